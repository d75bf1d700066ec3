import type { JSONPath } from 'jsonc-parser';
import { describeIssues, fieldPath, LIMITS, restoreProtoKeys } from '../tasks/input-rules.js';
import { type TaskInput, taskInput } from '../tasks/inputs.js';
import { isObject, readJsonDocument } from './json-document.js';
import { normalizeText } from './markdown-blocks.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Deeper than a task's metadata may go, with room for the file's own levels. */
const MAX_NESTING = LIMITS.metadataDepth + 8;

/** Where the brackets first nest deeper than max (outside strings and comments), or -1: the parser recurses once a level. */
function tooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // to the next quote not escaped (an odd run of backslashes before it), found with indexOf
      for (i = text.indexOf('"', i + 1); i > 0; i = text.indexOf('"', i + 1)) {
        let slashes = 0;
        while (text.charCodeAt(i - 1 - slashes) === 92) slashes++;
        if (slashes % 2 === 0) break;
      }
      if (i < 0) return -1;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return -1;
}

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
  const deep = tooDeepAt(text, MAX_NESTING);
  if (deep >= 0) {
    out.skip(lineOf(text, deep), `JSON nested deeper than ${MAX_NESTING} levels; the file was not read (a task's extra fields may nest ${LIMITS.metadataDepth} levels)`);
    return out.finish();
  }
  const doc = readJsonDocument(text, [1, 2, 3]);
  for (const e of doc.errors) out.skip(e.line, e.message);
  const found = tasksArray(doc.value);
  if (!found) {
    out.skip(1, 'no "tasks" array found; expected {"tasks": [...]} or an array of tasks');
    return out.finish();
  }
  found.list.forEach((raw, i) => {
    const line = doc.lineOf([...found.path, i]) ?? 1;
    if (!isObject(raw)) {
      out.skip(line, 'an entry of "tasks" that is not an object');
      return;
    }
    const task = readTask(raw, line, out);
    if (task) out.add(task, line);
  });
  return out.finish();
}

function readTask(raw: Record<string, unknown>, line: number, out: TrackerBuilder): TaskInput | undefined {
  const t: Record<string, unknown> = { ...raw };
  if (typeof t.id === 'number') t.id = String(t.id);
  const label = typeof t.id === 'string' ? t.id : `task at line ${line}`;
  if (t.depends_on !== undefined && t.dependencies === undefined) {
    t.dependencies = t.depends_on;
    delete t.depends_on;
  }
  if (Array.isArray(t.dependencies)) t.dependencies = t.dependencies.map((d) => (typeof d === 'number' ? String(d) : d));
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
  const restored = parsed.success ? restoreProtoKeys(t, parsed.data) : [];
  if (!parsed.success || restored.length) {
    const problems = parsed.success ? restored.map((r) => `${fieldPath(r.path)}: ${r.problem}`).join('; ') : describeIssues(parsed.error.issues, 3, 'task');
    out.skip(line, `${label}: ${problems}; the task was left out`);
    return undefined;
  }
  return parsed.data;
}
