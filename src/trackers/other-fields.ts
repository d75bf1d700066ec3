import type { TaskInput } from '../tasks/inputs.js';

/** Every field of Tasklane's task input: a tracker's own field of the same name must not fill one. */
const TASK_FIELDS = new Set([
  'id', 'title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'dependencies', 'estimated_complexity',
  'estimate_tokens', 'status', 'started_at', 'completed_at', 'result', 'attempts', 'max_attempts', 'notes', 'assignee',
  'branch', 'commit_sha', 'used_tokens',
]);

const plain = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.map(plain) : v);

/**
 * Keeps a tracker's fields that were not mapped to a column in the task's metadata, as they are; one
 * whose name Tasklane uses (or the mapping already set) is kept as `<prefix>_<name>`.
 */
export function keepOtherFields(task: TaskInput, raw: Record<string, unknown>, prefix: string, mapped: (key: string, value: unknown) => boolean): void {
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null || mapped(key, value)) continue;
    task[TASK_FIELDS.has(key) || key in task ? `${prefix}_${key}` : key] = plain(value);
  }
}
