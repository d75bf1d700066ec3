import type { SnapshotTask } from '../tasks/snapshot.js';
import { jsonItems, type TrackerWriter } from './tracker-writer.js';
import { splitDetails } from './detail-sections.js';
import { DETAIL_SECTIONS } from './taskmaster-task.js';

const STATUS: Record<string, string> = {
  pending: 'pending', in_progress: 'in-progress', review: 'review', completed: 'done', blocked: 'blocked',
  // Taskmaster has no "failed": such a task waits for someone, as a blocked one does.
  failed: 'blocked', cancelled: 'cancelled',
};
const priorityWord = (p: number) => (p <= 1 ? 'critical' : p === 2 ? 'high' : p === 3 ? 'medium' : 'low');
/** Numeric ids as numbers, the way Taskmaster writes them. */
const idValue = (id: string) => (/^\d+$/.test(id) ? Number(id) : id);

/** Task `4.2` is a subtask of `head` when `head` is task `4` (read in families order, a parent comes just before its subtasks). */
export const subtaskOf = (id: string, head: string) => /^[^.]+\.[^.]+$/.test(id) && id.slice(0, id.indexOf('.')) === head;

/**
 * The board as Taskmaster's tasks.json, one tag (`master`): a task `4.2` whose parent `4` is a task
 * of the board becomes subtask 2 of task 4, and the parent's links to its own subtasks are left to
 * that structure; a subtask names a sibling by number and any other subtask as "parent.sub". Status
 * words, priority words, test strategy and acceptance criteria (split back out of the details) and
 * the fields kept in metadata are written back, so that importing the export gives the same board.
 * Tasks come in families order: a family is written once its last subtask has been read.
 */
export function taskmasterJsonWriter(): TrackerWriter {
  const items = jsonItems(3);
  let generatedAt = '';
  let project = '';
  let family: { head: SnapshotTask; own: SnapshotTask[] } | undefined;
  const flush = () => (family ? items.item(topTask(family.head, family.own)) : '');
  return {
    start: (h) => {
      [generatedAt, project] = [h.generated_at, h.project];
      return '{\n  "master": {\n    "tasks": [';
    },
    tasks: (batch) => {
      let text = '';
      for (const t of batch) {
        if (family && subtaskOf(t.id, family.head.id)) family.own.push(t);
        else {
          text += flush();
          family = { head: t, own: [] };
        }
      }
      return text;
    },
    tasksDone: () => {
      const last = flush();
      family = undefined;
      const metadata = { created: generatedAt, updated: generatedAt, description: `Exported from Tasklane project ${project}` };
      return `${last}${items.close()},\n    "metadata": ${JSON.stringify(metadata, null, 2).replace(/\n/g, '\n    ')}\n  }\n}\n`;
    },
    events: () => '',
    end: () => '',
  };
}

function topTask(t: SnapshotTask, own: SnapshotTask[]) {
  const ownIds = new Set(own.map((s) => s.id));
  return {
    ...fields(t),
    priority: priorityWord(t.priority),
    dependencies: t.dependencies.filter((d) => !ownIds.has(d)).map(idValue),
    ...(own.length ? { subtasks: own.map((s) => subtask(s, t)) } : {}),
  };
}

function subtask(s: SnapshotTask, parent: SnapshotTask) {
  const sub = s.id.slice(parent.id.length + 1);
  return {
    ...fields(s, idValue(sub)),
    ...(s.priority !== parent.priority ? { priority: priorityWord(s.priority) } : {}),
    dependencies: s.dependencies.map((d) => (d.startsWith(`${parent.id}.`) && !d.slice(parent.id.length + 1).includes('.') ? idValue(d.slice(parent.id.length + 1)) : d)),
  };
}

function fields(t: SnapshotTask, id: string | number = idValue(t.id)) {
  const { taskmaster_status: shown, ...metadata } = t.metadata;
  const restored = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.startsWith('taskmaster_') ? k.slice('taskmaster_'.length) : k, v]));
  const { body, sections } = splitDetails(t.details, DETAIL_SECTIONS.map(([label]) => label));
  const status = t.status === 'cancelled' && shown === 'deferred' ? 'deferred' : (STATUS[t.status] ?? t.status);
  const complexity = t.estimated_complexity;
  return {
    id,
    title: t.title ?? t.description,
    description: t.description,
    status,
    ...(body ? { details: body } : {}),
    ...Object.fromEntries(DETAIL_SECTIONS.filter(([label]) => sections[label] !== undefined).map(([label, field]) => [field, sections[label]])),
    ...(complexity ? { complexity: Number.isFinite(Number(complexity)) ? Number(complexity) : complexity } : {}),
    ...restored,
  };
}
