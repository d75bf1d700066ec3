const EMPTY = new Set(['', '-', '—', '–', 'n/a']);

/** A cell's value as written: `-` and friends are empty, `<br>` is a line break. */
export const markdownCell = (cell: string) => {
  const text = cell.trim();
  return EMPTY.has(text.toLowerCase()) ? '' : text.replace(/<br\s*\/?>/gi, '\n');
};

const escapeCell = (value: string) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/** A GFM table; empty cells are written as `empty` (`-` in TASK-STATUS.md style, nothing in tasks.md). */
export function markdownTable(header: string[], rows: Array<Array<string | number | undefined | null>>, empty = ''): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map((h) => '-'.repeat(Math.max(3, h.length)))),
    ...rows.map((r) => line(r.map((c) => (c === undefined || c === null || c === '' ? empty : escapeCell(String(c)))))),
  ].join('\n');
}
