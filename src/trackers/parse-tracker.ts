import { detectFormat } from './detect-format.js';
import { parseTaskBreakdownJson } from './parse-task-breakdown-json.js';
import { parseTaskStatusMd } from './parse-task-status-md.js';
import { parseTasksMd } from './parse-tasks-md.js';
import { parseTodoMd } from './parse-todo-md.js';
import type { ParsedTracker, TrackerFormat } from './types.js';

const PARSERS: Record<TrackerFormat, (text: string) => ParsedTracker> = {
  'task-breakdown-json': parseTaskBreakdownJson,
  'tasks-md': parseTasksMd,
  'task-status-md': parseTaskStatusMd,
  'todo-md': parseTodoMd,
};

/** Short names people type (`--format json`) for each format. */
const FORMAT_NAMES = new Map<string, TrackerFormat>(Object.entries({
  json: 'task-breakdown-json', 'task-breakdown': 'task-breakdown-json', 'task-breakdown-json': 'task-breakdown-json',
  'tasks-md': 'tasks-md', tasks: 'tasks-md',
  md: 'task-status-md', 'task-status': 'task-status-md', 'task-status-md': 'task-status-md',
  todo: 'todo-md', 'todo-md': 'todo-md',
} satisfies Record<string, TrackerFormat>));

export function trackerFormat(name: string): TrackerFormat | undefined {
  return FORMAT_NAMES.get(name.trim().toLowerCase());
}

/** Parses a tracker file: the format given, or the one its content shows. */
export function parseTracker(text: string, format?: TrackerFormat): ParsedTracker {
  return PARSERS[format ?? detectFormat(text)](text);
}
