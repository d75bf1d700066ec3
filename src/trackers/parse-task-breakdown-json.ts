import type { JSONPath } from 'jsonc-parser';
import { describeIssues, fieldPath, LIMITS, restoreProtoKeys } from '../tasks/input-rules.js';
import { type TaskInput, taskInput } from '../tasks/inputs.js';
import { isObject, MAX_NESTING, readJsonDocument, tooDeep } from './json-document.js';
import { normalizeText } from './markdown-blocks.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

/** The tasks array and its path: `{tasks: […]}`, a bare array, or one level down (`{"master": {"tasks": […]}}`). */
function tasksArray(root: unknown): { list: unknown[]; path: JSONPath } | undefined {
  if (Array.isArray(root)) return { list: root, path: [] };
  if (!isObject(root)) return undefined;
  if (Array.isArray(root.tasks)) return { list: root.tasks, path: ['tasks'] };
  for (const [name, value] of Object.entries(root)) {
    if (isObject(value) && Array.isArray(value.tasks)) return { list: value.tasks, path: [name, 'tasks'] };
  }
  return undefined;
}

/**
 * task-breakdown.json: `{generated_at, total_tasks, tasks: […]}` with the task fields of
 * write_task_list; `//` and block comments and trailing commas are accepted (JSONC).
 */
export function parseTaskBreakdownJson(source: string): ParsedTracker {
  const text = normalizeText(source);
  const out = new TrackerBuilder('task-breakdown-json');
  const doc = readJsonDocument(text, [1, 2, 3], MAX_NESTING);
  if (doc.tooDeepLine !== undefined) {
    out.skip(doc.tooDeepLine, tooDeep);
    return out.finish();
  }
  for (const e of doc.errors) out.skip(e.line, e.message);
  const found = tasksArray(doc.value);
  if (!found) {
    out.skip(1, 'no "tasks" array found; expected {"tasks": [...]} or an array of tasks');
    return out.finish();
  }
  const lines = doc.elementLines(found.path);
  // A key spelled `__proto__` is lost by the schema and put back (restoreProtoKeys); only a text that names one can hold one.
  const protoKeys = /__proto__|\\u/.test(text);
  found.list.forEach((raw, i) => {
    const line = lines[i] ?? 1;
    if (!isObject(raw)) {
      out.skip(line, 'an entry of "tasks" that is not an object');
      return;
    }
    const task = readTask(raw, line, out, protoKeys);
    if (task) out.addValid(task, line);
  });
  return out.finish();
}

/**
 * One entry of the parsed document as a task, adjusted in place (nothing else holds it) and checked,
 * not copied: taskInput has no defaults or transforms, so what it would give back is this object. At
 * 100,000 tasks, the copies (each living until the import ends) made a third of parsing garbage collection.
 */
function readTask(t: Record<string, unknown>, line: number, out: TrackerBuilder, protoKeys: boolean): TaskInput | undefined {
  if (typeof t.id === 'number') t.id = String(t.id);
  const label = typeof t.id === 'string' ? t.id : `task at line ${line}`;
  if (t.depends_on !== undefined && t.dependencies === undefined) {
    t.dependencies = t.depends_on;
    delete t.depends_on;
  }
  if (Array.isArray(t.dependencies) && t.dependencies.some((d) => typeof d === 'number')) t.dependencies = t.dependencies.map((d) => (typeof d === 'number' ? String(d) : d));
  if (t.description === undefined && typeof t.title === 'string') t.description = t.title;
  if (Array.isArray(t.subtasks)) {
    if (t.subtasks.length) out.skip(line, `${label}.subtasks: nested subtasks are not imported; list them as tasks with dependencies`);
    delete t.subtasks;
  }
  for (const key of ['status', 'started_at', 'completed_at', 'priority'] as const) {
    const value = t[key];
    if (value === null || value === undefined) continue;
    const cell = String(value);
    const checked =
      key === 'status' ? out.status(cell, line, label) : key === 'priority' ? out.priority(cell, line, `${label}.priority`) : out.time(cell, line, `${label}.${key}`);
    if (checked === undefined || checked === null) delete t[key];
    else t[key] = key === 'priority' && typeof value === 'number' ? value : checked;
  }
  if (Array.isArray(t.notes)) {
    t.notes = t.notes.filter((n: unknown) => {
      const stamp = n && typeof n === 'object' ? (n as { timestamp?: unknown }).timestamp : undefined;
      if (typeof stamp !== 'string' || out.time(stamp, line, `${label}.notes.timestamp`) !== null) return true;
      return false;
    });
  }
  const parsed = taskInput.safeParse(t);
  const restored = parsed.success && protoKeys ? restoreProtoKeys(t, parsed.data) : [];
  if (!parsed.success || restored.length) {
    const problems = parsed.success ? restored.map((r) => `${fieldPath(r.path)}: ${r.problem}`).join('; ') : describeIssues(parsed.error.issues, 3, 'task');
    out.skip(line, `${label}: ${problems}; the task was left out`);
    return undefined;
  }
  return t as TaskInput;
}
