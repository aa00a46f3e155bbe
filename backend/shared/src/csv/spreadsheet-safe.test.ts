import { describe, expect, it } from 'vitest';
import { restoreSpreadsheetCell, spreadsheetSafe } from './spreadsheet-safe.js';

describe('spreadsheet-safe CSV cells', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠SUM(A1)'])(
    'when a cell starts like a formula (%j), then it is prefixed with an apostrophe',
    (value) => {
      expect(spreadsheetSafe(value)).toBe(`'${value}`);
    },
  );

  it('when a cell is plain text or a number inside text, then it is left alone', () => {
    for (const v of ['Ada', 'a=b', '1-2', '', 'usr_x']) expect(spreadsheetSafe(v)).toBe(v);
  });

  it('when any value is made safe and restored, then the original comes back, apostrophes included', () => {
    for (const v of ["'=x", "'", "''", '=x', 'x', "'plain", '＠a']) expect(restoreSpreadsheetCell(spreadsheetSafe(v))).toBe(v);
  });
});
