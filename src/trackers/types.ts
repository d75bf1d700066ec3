import type { TaskInput } from '../tasks/inputs.js';

export const TRACKER_FORMATS = ['task-breakdown-json', 'tasks-md', 'task-status-md', 'todo-md'] as const;
export type TrackerFormat = (typeof TRACKER_FORMATS)[number];

export type Skipped = { line: number; reason: string };

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
  lines: Record<string, number>;
  skipped: Skipped[];
  events?: TrackerEvent[];
};
