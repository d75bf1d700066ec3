import { markdownBlocks, normalizeText } from './markdown-blocks.js';
import { isTaskTable } from './task-table.js';
import type { TrackerFormat } from './types.js';

/**
 * Which tracker a text is: JSON by its first character; Markdown task tables are TASK-STATUS.md
 * when a status cell carries a code word in capitals (`✅ DONE`) or the task column is called Task,
 * tasks.md otherwise; checkbox lists without task tables are TODO.md.
 */
export function detectFormat(text: string): TrackerFormat {
  const body = normalizeText(text).replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  if (body.startsWith('{') || body.startsWith('[')) return 'task-breakdown-json';
  const tables = markdownBlocks(text).filter((b) => b.kind === 'table' && isTaskTable(b.header));
  if (tables.length === 0) return /^\s*[-*+] \[[ xX~/-]\]/m.test(body) ? 'todo-md' : 'tasks-md';
  for (const table of tables) {
    if (table.kind !== 'table') continue;
    const keys = table.header.map((h) => h.trim().toLowerCase());
    const status = keys.indexOf('status');
    if (keys.includes('task') && !keys.includes('description')) return 'task-status-md';
    if (status >= 0 && table.rows.some((r) => /[^\x00-\x7F].*\b[A-Z]{4,}\b/.test(r[status] ?? ''))) return 'task-status-md';
  }
  return 'tasks-md';
}
