import type { TaskInput } from '../tasks/inputs.js';
import { addChildren } from './parent-children.js';
import { breakCycles, cycleReason } from './break-cycles.js';
import { joinDetails } from './detail-sections.js';
import { isObject } from './json-document.js';
import { normalizeText } from './markdown-blocks.js';
import { keepOtherFields } from './other-fields.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

/** Beads statuses as Tasklane's; `pinned` and `tombstone` issues are not work and are left out (reported). */
const STATUSES: Record<string, string> = {
  open: 'pending', in_progress: 'in_progress', hooked: 'in_progress', blocked: 'blocked', deferred: 'cancelled', closed: 'completed',
};
const LEFT_OUT: Record<string, string> = {
  tombstone: 'deleted in Beads (a tombstone)',
  pinned: 'a pinned bead is a standing context marker, not work to claim',
};
/** Link types that make the issue wait (Beads' `bd ready` waits for them too); others are kept in metadata.links. */
const WAITS = new Set(['blocks', 'conditional-blocks', 'waits-for']);
const MAPPED = new Set([
  'id', 'title', 'description', 'design', 'acceptance_criteria', 'notes', 'status', 'priority', 'assignee', 'closed_at',
  'close_reason', 'labels', 'dependencies', 'comments',
]);

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Beads' issues.jsonl, one issue a line: open/in_progress/blocked/closed (and deferred, hooked) as
 * pending/in_progress/blocked/completed (cancelled, in_progress); priority 0–4 as 1–5; `blocks` links
 * as dependencies; an epic (the `parent-child` parent) waits for its children; `related` and
 * `discovered-from` links kept in metadata.links; comments as notes; design, acceptance criteria and
 * notes appended to the details. Linear: one JSON.parse a line.
 */
export function parseBeadsJsonl(source: string): ParsedTracker {
  const out = new TrackerBuilder('beads-jsonl');
  const children = new Map<string, string[]>();
  normalizeText(source).split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let issue: unknown;
    try {
      issue = JSON.parse(raw);
    } catch (err) {
      out.skip(line, `not a JSON object (${(err as Error).message}); the line was left out`);
      return;
    }
    if (!isObject(issue) || typeof issue.id !== 'string' || !issue.id) {
      out.skip(line, 'an issue without an "id"; the line was left out');
      return;
    }
    const task = readIssue(issue, line, out, children);
    if (task) out.addChecked(task, line);
  });
  addChildren(out, children);
  breakCycles(out.tasks, (task, dep) => out.skipTask(task.id, cycleReason(task.id, dep)));
  return out.finish();
}

function readIssue(issue: Record<string, unknown>, line: number, out: TrackerBuilder, children: Map<string, string[]>): TaskInput | undefined {
  const id = issue.id as string;
  const status = String(issue.status ?? 'open');
  if (LEFT_OUT[status]) {
    out.skip(line, `${id}: ${LEFT_OUT[status]}; it was left out`);
    return undefined;
  }
  const description = text(issue.description) ?? text(issue.title);
  if (!description) {
    out.skip(line, `${id}: neither a title nor a description; it was left out`);
    return undefined;
  }
  const task: TaskInput = { id, description };
  if (text(issue.title)) task.title = issue.title as string;
  const details = joinDetails(undefined, [['Design', text(issue.design)], ['Acceptance criteria', text(issue.acceptance_criteria)], ['Notes', text(issue.notes)]]);
  if (details) task.details = details;
  const mapped = STATUSES[status] ?? out.status(status, line, id);
  if (mapped) task.status = mapped;
  if (mapped && STATUSES[status] && status !== mapped && status !== 'open' && status !== 'closed') task.beads_status = status;
  if (Number.isInteger(issue.priority) && (issue.priority as number) >= 0 && (issue.priority as number) <= 4) task.priority = (issue.priority as number) + 1;
  else if (issue.priority !== undefined) out.skip(line, `${id}.priority: "${String(issue.priority)}" is not a Beads priority (0–4); the default was used`);
  if (text(issue.assignee)) task.assignee = issue.assignee as string;
  if (text(issue.closed_at)) task.completed_at = out.time(issue.closed_at as string, line, `${id}.closed_at`);
  if (text(issue.close_reason)) task.result = issue.close_reason as string;
  if (Array.isArray(issue.labels)) task.tags = issue.labels.map(String);
  if (Array.isArray(issue.comments)) {
    task.notes = issue.comments.filter(isObject).filter((c) => text(c.text)).map((c) => ({
      note: c.text as string,
      ...(text(c.created_at) && out.time(c.created_at as string, line, `${id}.comments.created_at`) ? { timestamp: c.created_at as string } : {}),
      ...(text(c.author) ? { agent: c.author as string } : {}),
    }));
  }
  const deps: string[] = [];
  const links: Record<string, string[]> = {};
  for (const d of Array.isArray(issue.dependencies) ? issue.dependencies.filter(isObject) : []) {
    const target = text(d.depends_on_id);
    const type = text(d.type) ?? 'blocks';
    if (!target) continue;
    if (WAITS.has(type)) deps.push(target);
    else if (type === 'parent-child') {
      if (!children.has(target)) children.set(target, []);
      children.get(target)!.push(id);
    }
    else (links[type] ??= []).push(target);
  }
  task.dependencies = [...new Set(deps)];
  if (Object.keys(links).length) task.links = links;
  keepOtherFields(task, issue, 'beads', (key) => MAPPED.has(key));
  return task;
}

