import { load } from 'js-yaml';
import type { TaskInput } from '../tasks/inputs.js';
import { readBacklogTaskFile } from './backlog-task-file.js';
import { breakCycles, cycleReason } from './break-cycles.js';
import { joinDetails } from './detail-sections.js';
import { isObject } from './json-document.js';
import { normalizeText } from './markdown-blocks.js';
import { keepOtherFields } from './other-fields.js';
import { addChildren } from './parent-children.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

/** A file of a Backlog.md folder, its path relative to the folder (`tasks/task-3 - Title.md`). */
export type BacklogFile = { path: string; text: string };

/** Folders whose files are not imported, and why (each file is reported). */
const NOT_TASKS: Array<[prefix: string, reason: string]> = [
  ['drafts/', 'a draft, not yet a task (promote it in Backlog.md to import it)'],
  ['archive/', 'archived in Backlog.md'],
  ['docs/', 'a document, not a task'],
  ['decisions/', 'a decision record, not a task'],
];
const SECTIONS: Record<string, string> = {
  'acceptance criteria': 'Acceptance criteria', 'implementation plan': 'Implementation plan',
  'implementation notes': 'Implementation notes', 'definition of done': 'Definition of done',
};
const MAPPED = new Set(['id', 'title', 'status', 'priority', 'assignee', 'labels', 'milestone', 'dependencies', 'parent_task_id', 'subtasks']);

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)]);

/**
 * A Backlog.md `backlog/` folder: task files in tasks/ and completed/ (YAML front matter and `##`
 * sections); "To Do", "In Progress", "Done" (and the config's other statuses by their words) as
 * pending, in_progress, completed; the milestone as phase; a parent waits for its subtasks
 * (`parent_task_id`); ids matched without regard to case, and `7` read as `<task_prefix>-7`.
 */
export function parseBacklogFiles(files: BacklogFile[]): ParsedTracker {
  const out = new TrackerBuilder('backlog-md');
  const config = files.find((f) => f.path === 'config.yml');
  const prefix = text((config && safeYaml(config.text))?.task_prefix) ?? 'task';
  const milestones = new Map<string, string>();
  for (const f of files.filter((f) => f.path.startsWith('milestones/'))) {
    const m = safeFile(f.text);
    const id = m && text(m.frontMatter.id);
    if (id) milestones.set(id.toLowerCase(), text(m.frontMatter.title) ?? id);
  }
  const children = new Map<string, string[]>();
  for (const f of inBoardOrder(files)) {
    if (!f.path.endsWith('.md') || f.path.startsWith('milestones/')) continue;
    const mark = out.skipped.length;
    readFile(f, { prefix, milestones, out }, children);
    for (const s of out.skipped.slice(mark)) s.file ??= f.path;
  }
  resolveIds(out, children, prefix);
  breakCycles(out.tasks, (task, dep) => out.skipTask(task.id, cycleReason(task.id, dep)));
  return out.finish();
}

function readFile(f: BacklogFile, ctx: Context, children: Map<string, string[]>): void {
  const excluded = NOT_TASKS.find(([p]) => f.path.startsWith(p));
  if (excluded) return ctx.out.skip(1, `${excluded[1]}; it was left out`);
  let file;
  try {
    file = readBacklogTaskFile(normalizeText(f.text));
  } catch (err) {
    return ctx.out.skip(1, `not a Backlog.md task file: ${(err as Error).message}; it was left out`);
  }
  const task = readTask(file.frontMatter, file.sections, ctx);
  if (!task) return;
  if (!ctx.out.has(task.id)) ctx.out.files[task.id] = f.path;
  ctx.out.addChecked(task, 1);
  // A subtask names its parent (parent_task_id); older files list a parent's subtasks instead.
  const links: Array<[parent: string, child: string]> = list(file.frontMatter.subtasks).map((child) => [task.id, child]);
  const parent = text(file.frontMatter.parent_task_id);
  if (parent) links.push([parent, task.id]);
  for (const [p, child] of links) {
    const key = p.toLowerCase();
    if (!children.has(key)) children.set(key, []);
    children.get(key)!.push(child);
  }
}

const natural = new Intl.Collator('en', { numeric: true }).compare;
/** Open tasks first, then completed ones, each folder in id order (task-2 before task-10). */
const inBoardOrder = (files: BacklogFile[]) =>
  [...files].sort((a, b) => Number(a.path.startsWith('completed/')) - Number(b.path.startsWith('completed/')) || natural(a.path, b.path));

type Context = { prefix: string; milestones: Map<string, string>; out: TrackerBuilder };

function readTask(fm: Record<string, unknown>, sections: Array<[string, string]>, ctx: Context): TaskInput | undefined {
  const id = text(fm.id);
  if (!id) return ctx.out.skip(1, 'no id in the front matter; it was left out'), undefined;
  const title = text(fm.title);
  const described = sections.find(([h]) => h.toLowerCase() === 'description')?.[1];
  const description = described ?? title;
  if (!description) return ctx.out.skip(1, `${id}: neither a title nor a description; it was left out`), undefined;
  const task: TaskInput = { id, description };
  if (title) task.title = title;
  const rest = sections.filter(([h]) => !['description', 'final summary'].includes(h.toLowerCase()));
  const details = joinDetails(undefined, rest.map(([h, body]) => [SECTIONS[h.toLowerCase()] ?? (h || 'Notes'), body]));
  if (details) task.details = details;
  const summary = sections.find(([h]) => h.toLowerCase() === 'final summary')?.[1];
  if (summary) task.result = summary;
  const status = text(fm.status);
  if (status) {
    const checked = ctx.out.status(status, 1, id);
    if (checked) task.status = checked;
  }
  if (text(fm.priority)) {
    const checked = ctx.out.priority(text(fm.priority)!, 1, `${id}.priority`);
    if (checked) task.priority = checked;
  }
  const assignees = list(fm.assignee);
  if (assignees.length) task.assignee = assignees.join(', ');
  const labels = list(fm.labels);
  if (labels.length) task.tags = labels;
  const milestone = text(fm.milestone);
  if (milestone) task.phase = ctx.milestones.get(milestone.toLowerCase()) ?? milestone;
  task.dependencies = list(fm.dependencies);
  keepOtherFields(task, fm, 'backlog', (key) => MAPPED.has(key));
  return task;
}

/** Dependencies and parents as the ids of the file's tasks: any case, and `7` as `<prefix>-7`. */
function resolveIds(out: TrackerBuilder, children: Map<string, string[]>, prefix: string): void {
  const byKey = new Map(out.tasks.map((t) => [t.id.toLowerCase(), t.id]));
  const id = (ref: string) => {
    const key = /^\d+(\.\d+)*$/.test(ref) ? `${prefix}-${ref}`.toLowerCase() : ref.toLowerCase();
    return byKey.get(key) ?? ref;
  };
  for (const t of out.tasks) t.dependencies = [...new Set((t.dependencies ?? []).map(id))];
  addChildren(out, new Map([...children].map(([parent, kids]) => [id(parent), [...new Set(kids.map(id))]])));
}

function safeYaml(source: string): Record<string, unknown> | undefined {
  try {
    const data = load(source);
    return isObject(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

function safeFile(source: string) {
  try {
    return readBacklogTaskFile(normalizeText(source));
  } catch {
    return undefined;
  }
}
