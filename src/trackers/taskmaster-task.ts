import type { TaskInput } from '../tasks/inputs.js';
import { joinDetails } from './detail-sections.js';
import { keepOtherFields } from './other-fields.js';
import type { TrackerBuilder } from './tracker-builder.js';

/** Taskmaster text fields Tasklane has no column for, appended to the details under these labels. */
export const DETAIL_SECTIONS: Array<[label: string, field: string]> = [
  ['Test strategy', 'testStrategy'],
  ['Acceptance criteria', 'acceptanceCriteria'],
];

const TEXT_FIELDS = new Set(['title', 'description', 'details', ...DETAIL_SECTIONS.map(([, f]) => f)]);
const MAPPED = new Set([...TEXT_FIELDS, 'id', 'status', 'priority', 'dependencies', 'subtasks', 'complexity']);

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * One Taskmaster task or subtask as Tasklane input, without its dependencies: title and description
 * (the title stands in for a missing description), details with the test strategy and acceptance
 * criteria appended, status and priority (a subtask without one takes its parent's), the complexity
 * score as estimated_complexity, and every other field kept in the task's metadata.
 */
export function readTaskmasterTask(raw: Record<string, unknown>, id: string, line: number, out: TrackerBuilder, parentPriority?: unknown): TaskInput | undefined {
  const title = text(raw.title);
  const description = text(raw.description) ?? title;
  if (!description) {
    out.skip(line, `${id}: neither a title nor a description; the task was left out`);
    return undefined;
  }
  const task: TaskInput = { id, description };
  if (title) task.title = title;
  const details = joinDetails(text(raw.details), DETAIL_SECTIONS.map(([label, field]) => [label, text(raw[field])]));
  if (details) task.details = details;
  if (raw.status !== undefined && raw.status !== null) {
    const status = out.status(String(raw.status), line, id);
    if (status) task.status = status;
    // Tasklane has no "deferred": it is cancelled there, and an export says deferred again.
    if (status === 'cancelled' && String(raw.status).trim().toLowerCase() === 'deferred') task.taskmaster_status = 'deferred';
  }
  const priority = raw.priority ?? parentPriority;
  if (priority !== undefined && priority !== null && priority !== '') {
    const checked = out.priority(String(priority), line, `${id}.priority`);
    if (checked) task.priority = checked;
  }
  if (raw.complexity !== undefined && raw.complexity !== null) task.estimated_complexity = String(raw.complexity);
  // A text field that is no string is kept as it is, beside the column.
  keepOtherFields(task, raw, 'taskmaster', (key, value) => MAPPED.has(key) && !(TEXT_FIELDS.has(key) && typeof value !== 'string'));
  return task;
}
