import type { JSONPath } from 'jsonc-parser';
import { breakCycles, cycleReason } from './break-cycles.js';
import { addChildren } from './parent-children.js';
import { isObject, type JsonDocument, MAX_NESTING, readJsonDocument, tooDeep } from './json-document.js';
import { normalizeText } from './markdown-blocks.js';
import { readTaskmasterTask } from './taskmaster-task.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

type Raw = Record<string, unknown>;
type Entry = { raw: Raw; id: string; line: number; parent?: Entry; subtasks: Entry[]; subIds?: Set<string> };

/** The tags of a Taskmaster file: `{"master": {"tasks": […], "metadata": {…}}, …}`, or the untagged `{"tasks": […]}` of old versions. */
function tagsOf(root: unknown, out: TrackerBuilder): Array<{ tag?: string; tasks: unknown[]; path: JSONPath }> {
  if (!isObject(root)) return [];
  if (Array.isArray(root.tasks)) return [{ tasks: root.tasks, path: ['tasks'] }];
  const tags = [];
  for (const [tag, value] of Object.entries(root)) {
    if (isObject(value) && Array.isArray(value.tasks)) tags.push({ tag, tasks: value.tasks, path: [tag, 'tasks'] });
    else out.skip(1, `"${tag}" is not a tag (it holds no "tasks" array); it was left out`);
  }
  return tags;
}

/**
 * Taskmaster's tasks.json, whole: each tag is a board of its own (the caller gives each its project),
 * subtasks become tasks `4.2` that their parent depends on, and every dependency is resolved to those
 * ids. A subtask's dependency is a sibling when it is a number or has no dot (as Taskmaster reads it),
 * else the `parent.sub` it names. Repeated subtask ids get the next free number; links that close a
 * cycle are dropped; each such change is reported.
 */
export function parseTaskmasterJson(source: string): ParsedTracker[] {
  const text = normalizeText(source);
  const doc = readJsonDocument(text, [2, 3, 4, 5], MAX_NESTING);
  const fileNotes = new TrackerBuilder('taskmaster-json');
  if (doc.tooDeepLine !== undefined) {
    fileNotes.skip(doc.tooDeepLine, tooDeep);
    return [fileNotes.finish()];
  }
  for (const e of doc.errors) fileNotes.skip(e.line, e.message);
  const tags = tagsOf(doc.value, fileNotes);
  if (tags.length === 0) {
    fileNotes.skip(1, 'no Taskmaster tasks found; expected {"master": {"tasks": [...]}} or {"tasks": [...]}');
    return [fileNotes.finish()];
  }
  return tags.map(({ tag, tasks, path }, i) => {
    const out = new TrackerBuilder('taskmaster-json');
    if (i === 0) out.skipped.push(...fileNotes.skipped);
    readTag(tasks, path, doc.elementLines, out);
    const board = out.finish();
    return tag === undefined ? board : { ...board, tag };
  });
}

type ElementLines = JsonDocument['elementLines'];

function readTag(list: unknown[], path: JSONPath, elementLines: ElementLines, out: TrackerBuilder): void {
  const entries: Entry[] = [];
  const lines = elementLines(path);
  list.forEach((raw, i) => {
    const line = lines[i] ?? 1;
    if (!isObject(raw) || raw.id === undefined || raw.id === null || raw.id === '') {
      out.skip(line, 'a task without an id; it was left out');
      return;
    }
    const entry: Entry = { raw, id: String(raw.id), line, subtasks: [] };
    entries.push(entry);
    if (Array.isArray(raw.subtasks)) entry.subtasks = readSubtasks(entry, raw.subtasks, elementLines([...path, i, 'subtasks']), out);
    entry.subIds = new Set(entry.subtasks.map((s) => s.id));
  });
  const top = new Set(entries.map((e) => e.id));
  const priorities = new Map<string, unknown>();
  for (const entry of entries.flatMap((e) => [e, ...e.subtasks])) {
    // A subtask without a priority takes its parent's, once that one is read (and found valid).
    const task = readTaskmasterTask(entry.raw, entry.id, entry.line, out, entry.parent && priorities.get(entry.parent.id));
    if (!task) continue;
    priorities.set(entry.id, task.priority);
    const deps = Array.isArray(entry.raw.dependencies) ? entry.raw.dependencies : [];
    task.dependencies = [...new Set(deps.map((d) => resolve(String(d), entry, top)))];
    out.addChecked(task, entry.line);
  }
  addChildren(out, new Map(entries.filter((e) => e.subtasks.length).map((e) => [e.id, e.subtasks.map((s) => s.id)])));
  breakCycles(out.tasks, (task, dep) => out.skipTask(task.id, cycleReason(task.id, dep)));
}

function readSubtasks(parent: Entry, list: unknown[], lines: number[], out: TrackerBuilder): Entry[] {
  let next = list.reduce<number>((max, s) => (isObject(s) && Number.isInteger(Number(s.id)) ? Math.max(max, Number(s.id)) : max), 0) + 1;
  const seen = new Set<string>();
  const subtasks: Entry[] = [];
  list.forEach((raw, j) => {
    const line = lines[j] ?? parent.line;
    if (!isObject(raw) || raw.id === undefined || raw.id === null || raw.id === '') {
      out.skip(line, `${parent.id}.subtasks[${j}]: a subtask without an id; it was left out`);
      return;
    }
    let sub = String(raw.id);
    if (seen.has(sub)) {
      const renamed = String(next++);
      out.skip(line, `${parent.id}.${sub}: another subtask of ${parent.id} has id ${sub}; this one was imported as ${parent.id}.${renamed}`);
      sub = renamed;
    }
    seen.add(sub);
    subtasks.push({ raw, id: `${parent.id}.${sub}`, line, parent, subtasks: [] });
  });
  return subtasks;
}

/** A dependency as written in Taskmaster, as a Tasklane id. */
function resolve(dep: string, entry: Entry, top: Set<string>): string {
  if (dep.includes('.') || !entry.parent) return dep;
  const sibling = `${entry.parent.id}.${dep}`;
  if (entry.parent.subIds!.has(sibling) || !top.has(dep)) return sibling;
  return dep;
}
