const EMPTY = new Set(['', '-', '—', '–', 'n/a']);

/** A cell's value as written: `-` and friends are empty, `<br>` is a line break. */
export const markdownCell = (cell: string) => {
  const text = cell.trim();
  return EMPTY.has(text.toLowerCase()) ? '' : text.replace(/<br\s*\/?>/gi, '\n');
};

const escapeCell = (value: string) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

type Cell = string | number | undefined | null;
const line = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** A GFM table's header and separator lines, each ending in a newline (rows follow with markdownRows). */
export const markdownHeader = (header: string[]) => `${line(header)}\n${line(header.map((h) => '-'.repeat(Math.max(3, h.length))))}\n`;

/** Table rows, each line ending in a newline; empty cells are written as `empty`. */
export const markdownRows = (rows: Cell[][], empty = '') =>
  rows.map((r) => `${line(r.map((c) => (c === undefined || c === null || c === '' ? empty : escapeCell(String(c)))))}\n`).join('');

/** A GFM table; empty cells are written as `empty` (`-` in TASK-STATUS.md style, nothing in tasks.md). */
export function markdownTable(header: string[], rows: Cell[][], empty = ''): string {
  return (markdownHeader(header) + markdownRows(rows, empty)).slice(0, -1);
}
