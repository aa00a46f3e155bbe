/**
 * Spreadsheet formula injection (CSV injection, OWASP): a cell that starts with `=`, `+`, `-` or
 * `@` — or their full-width forms `＝ ＋ － ＠`, which Excel and LibreOffice also read as
 * operators — or with a tab or carriage return, is run as a formula when the file is opened.
 * Such a cell is prefixed with an apostrophe, which spreadsheets show as text. A cell that already
 * starts with an apostrophe is prefixed too, so that `restoreSpreadsheetCell` can undo the
 * prefix exactly (verifiers of signed exports need the original value back).
 */
const FORMULA_START = /^['=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The cell as it is safe to write into a CSV meant for spreadsheets. */
export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The original value of a cell written by `spreadsheetSafe`. */
export function restoreSpreadsheetCell(cell: string): string {
  return cell.length > 1 && cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
