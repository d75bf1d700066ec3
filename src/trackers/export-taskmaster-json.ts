import type { Snapshot, SnapshotTask } from '../tasks/snapshot.js';
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

/**
 * The board as Taskmaster's tasks.json, one tag (`master`): a task `4.2` whose parent `4` is a task
 * of the board becomes subtask 2 of task 4, and the parent's links to its own subtasks are left to
 * that structure; a subtask names a sibling by number and any other subtask as "parent.sub". Status
 * words, priority words, test strategy and acceptance criteria (split back out of the details) and
 * the fields kept in metadata are written back, so that importing the export gives the same board.
 */
export function exportTaskmasterJson(snapshot: Snapshot): string {
  const byId = new Map(snapshot.tasks.map((t) => [t.id, t]));
  const parentOf = (id: string) => {
    const m = id.match(/^([^.]+)\.([^.]+)$/);
    return m && byId.has(m[1]) ? m[1] : undefined;
  };
  const subtasks = new Map<string, SnapshotTask[]>();
  for (const t of snapshot.tasks) {
    const parent = parentOf(t.id);
    if (!parent) continue;
    if (!subtasks.has(parent)) subtasks.set(parent, []);
    subtasks.get(parent)!.push(t);
  }
  const tasks = snapshot.tasks
    .filter((t) => !parentOf(t.id))
    .map((t) => {
      const own = subtasks.get(t.id) ?? [];
      const ownIds = new Set(own.map((s) => s.id));
      return {
        ...fields(t),
        priority: priorityWord(t.priority),
        dependencies: t.dependencies.filter((d) => !ownIds.has(d)).map(idValue),
        ...(own.length ? { subtasks: own.map((s) => subtask(s, t)) } : {}),
      };
    });
  const metadata = { created: snapshot.generated_at, updated: snapshot.generated_at, description: `Exported from Tasklane project ${snapshot.project}` };
  return `${JSON.stringify({ master: { tasks, metadata } }, null, 2)}\n`;
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
