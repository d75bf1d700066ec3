import { detectTracker } from './detect-format.js';
import type { Block } from './markdown-blocks.js';
import { parseBacklogFiles } from './parse-backlog-md.js';
import { parseBeadsJsonl } from './parse-beads-jsonl.js';
import { parseTaskBreakdownJson } from './parse-task-breakdown-json.js';
import { parseTaskStatusMd } from './parse-task-status-md.js';
import { parseTaskmasterJson } from './parse-taskmaster-json.js';
import { parseTasksMd } from './parse-tasks-md.js';
import { parseTodoMd } from './parse-todo-md.js';
import { DomainError } from '../tasks/errors.js';
import type { ParsedTracker, TrackerFormat } from './types.js';

/** Each format's parser; a Taskmaster file gives one board per tag, the others one board. */
const PARSERS: Record<TrackerFormat, (text: string, blocks?: Block[]) => ParsedTracker | ParsedTracker[]> = {
  'task-breakdown-json': parseTaskBreakdownJson,
  'tasks-md': parseTasksMd,
  'task-status-md': parseTaskStatusMd,
  'todo-md': parseTodoMd,
  'taskmaster-json': parseTaskmasterJson,
  'beads-jsonl': parseBeadsJsonl,
  'backlog-md': (text) => parseBacklogFiles([{ path: 'tasks/task.md', text }]),
};

/** Short names people type (`--format json`) for each format. */
const FORMAT_NAMES = new Map<string, TrackerFormat>(Object.entries({
  json: 'task-breakdown-json', 'task-breakdown': 'task-breakdown-json', 'task-breakdown-json': 'task-breakdown-json',
  'tasks-md': 'tasks-md', tasks: 'tasks-md',
  md: 'task-status-md', 'task-status': 'task-status-md', 'task-status-md': 'task-status-md',
  todo: 'todo-md', 'todo-md': 'todo-md',
  taskmaster: 'taskmaster-json', 'taskmaster-json': 'taskmaster-json',
  beads: 'beads-jsonl', 'beads-jsonl': 'beads-jsonl', jsonl: 'beads-jsonl',
  backlog: 'backlog-md', 'backlog-md': 'backlog-md',
} satisfies Record<string, TrackerFormat>));

/** The names `--format` and import_tracker's `format` take, one per format. */
export const FORMAT_CHOICES = ['json', 'tasks-md', 'task-status', 'todo', 'taskmaster', 'beads', 'backlog'] as const;

export function trackerFormat(name: string): TrackerFormat | undefined {
  return FORMAT_NAMES.get(name.trim().toLowerCase());
}

/** Parses a tracker file into its boards (Taskmaster: one per tag): the format given, or the one its content shows. */
export function parseTrackerBoards(text: string, format?: TrackerFormat): ParsedTracker[] {
  const detected = format ? { format } : detectTracker(text);
  const parsed = PARSERS[detected.format](text, detected.blocks);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** What an import reads, for a message about a file it could not read. */
const READABLE = 'task-breakdown.json, Taskmaster tasks.json, Beads issues.jsonl, tasks.md, TASK-STATUS.md, TODO.md, a Backlog.md backlog/ folder';

/**
 * When no board of a parsed tracker holds a task: what it was read as, the first reason a line was
 * skipped, and what an import reads. `formatOption` is how the caller names the format choice.
 */
export function noTasksFound(boards: ParsedTracker[], formatOption: string): string | undefined {
  if (boards.some((b) => b.tasks.length > 0)) return undefined;
  const why = boards.flatMap((b) => b.skipped).map((s) => s.reason)[0];
  const read = boards.map((b) => b.format).filter((f, i, all) => all.indexOf(f) === i).join(', ');
  return `no tasks found (read as ${read}${why ? `: ${why}` : ''}); an import reads ${READABLE} — give ${formatOption} ${FORMAT_CHOICES.join('|')} if it is one of them`;
}

/** import_tracker's content parsed into its boards; refused (invalid_input) when nothing in it reads as a task. */
export function parseTrackerContent(content: string, format?: TrackerFormat): ParsedTracker[] {
  const boards = parseTrackerBoards(content, format);
  const none = noTasksFound(boards, 'format');
  if (none) throw new DomainError('invalid_input', `content: ${none}`);
  return boards;
}

/** Parses a one-board tracker file (every format but a Taskmaster file with several tags, whose first tag it gives). */
export function parseTracker(text: string, format?: TrackerFormat): ParsedTracker {
  return parseTrackerBoards(text, format)[0];
}
