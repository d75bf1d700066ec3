import type { Skipped } from '../tasks/skipped.js';
import type { TaskInput } from '../tasks/inputs.js';

export const TRACKER_FORMATS = ['task-breakdown-json', 'tasks-md', 'task-status-md', 'todo-md', 'taskmaster-json', 'beads-jsonl', 'backlog-md'] as const;
export type TrackerFormat = (typeof TRACKER_FORMATS)[number];

export type { Skipped } from '../tasks/skipped.js';

/** A change-log row: one event of a task's history (a status change, a note, or both). */
export type TrackerEvent = {
  task_id: string;
  at: string;
  from_status?: string;
  to_status?: string;
  agent?: string;
  note?: string;
  line: number;
};

/** What a parser makes of a tracker file: tasks in write_task_list's shape, and what it left out and why. */
export type ParsedTracker = {
  format: TrackerFormat;
  tasks: TaskInput[];
  /** The line each task came from, by id (to report problems found later against the file). */
  lines: ReadonlyMap<string, number>;
  /** The file each task came from, by id, when the tracker is a folder of files. */
  files?: Record<string, string>;
  skipped: Skipped[];
  events?: TrackerEvent[];
  /** The Taskmaster tag this board was read from (a file with several tags gives one board per tag). */
  tag?: string;
};
