import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from './attendees.js';

describe('CSV formula neutralisation', () => {
  it.each(['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'when a cell starts a formula (%j), then it is quoted as text',
    (v) => {
      expect(neutraliseFormula(v)).toBe(`'${v}`);
    },
  );

  it.each(['＝HYPERLINK("http://evil","x")', '＋1＋1', '－2＋3', '＠SUM(A1)'])(
    'when a cell starts a formula with a full-width sign (%j), then it is quoted as text too',
    (v) => {
      expect(neutraliseFormula(v)).toBe(`'${v}`);
    },
  );
  it.each(['Ada Lovelace', 'a=b', 'a＝b', '2026-01-01', ''])('when a cell is plain (%j), then it is unchanged', (v) => {
    expect(neutraliseFormula(v)).toBe(v);
  });
});
