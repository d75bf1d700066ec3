import { type Block, markdownBlocks, normalizeText } from './markdown-blocks.js';
import { isBacklogTaskText } from './backlog-task-file.js';
import { isTaskTable } from './task-table.js';
import type { TrackerFormat } from './types.js';

/** Beads writes one issue a line, its id first. */
function isBeadsJsonl(body: string): boolean {
  if (!/^\{\s*"id"\s*:/.test(body)) return false;
  const end = body.indexOf('\n');
  try {
    const first: unknown = JSON.parse(end < 0 ? body : body.slice(0, end));
    return typeof first === 'object' && first !== null && !('tasks' in first);
  } catch {
    return false;
  }
}

/** Taskmaster: tags (`{"master": {"tasks": […]`), or the untagged file of old versions, known by its testStrategy fields. */
const isTaskmaster = (body: string) =>
  /^\{\s*"[^"]+"\s*:\s*\{\s*"(tasks|metadata)"\s*:/.test(body.slice(0, 2000)) || (/^\{\s*"(tasks|meta)"\s*:/.test(body) && /"testStrategy"\s*:/.test(body));

/**
 * Which tracker a text is. JSON by its first character: Beads' issues.jsonl (one issue a line),
 * Taskmaster's tasks.json, else task-breakdown.json. A Backlog.md task file by its front matter.
 * Markdown task tables are TASK-STATUS.md
 * when a status cell carries a code word in capitals (`✅ DONE`) or the task column is called Task,
 * tasks.md otherwise; checkbox lists without task tables are TODO.md.
 */
export function detectFormat(text: string): TrackerFormat {
  return detectTracker(text).format;
}

/** The format, and for Markdown the blocks read to find it (so that the parser need not lex the text again). */
export function detectTracker(text: string): { format: TrackerFormat; blocks?: Block[] } {
  const body = normalizeText(text).replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  if (body.startsWith('{') || body.startsWith('[')) {
    if (isBeadsJsonl(body)) return { format: 'beads-jsonl' };
    return { format: isTaskmaster(body) ? 'taskmaster-json' : 'task-breakdown-json' };
  }
  if (isBacklogTaskText(body)) return { format: 'backlog-md' };
  const blocks = markdownBlocks(text);
  return { format: markdownFormat(body, blocks), blocks };
}

function markdownFormat(body: string, blocks: Block[]): TrackerFormat {
  const tables = blocks.filter((b) => b.kind === 'table' && isTaskTable(b.header));
  if (tables.length === 0) return /^[ \t]*[-*+] \[[ xX~/-]\]/m.test(body) ? 'todo-md' : 'tasks-md';
  for (const table of tables) {
    if (table.kind !== 'table') continue;
    const keys = table.header.map((h) => h.trim().toLowerCase());
    const status = keys.indexOf('status');
    if (keys.includes('task') && !keys.includes('description')) return 'task-status-md';
    if (status >= 0 && table.rows.some((r) => /[^\x00-\x7F].*\b[A-Z]{4,}\b/.test(r[status] ?? ''))) return 'task-status-md';
  }
  return 'tasks-md';
}
