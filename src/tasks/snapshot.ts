import { selectLinks } from '../db/dependencies.js';
import { selectEvents, selectNotes } from '../db/events.js';
import type { Db } from '../db/schema.js';
import { selectAllTasks, selectTasksByIds } from '../db/tasks.js';
import { taskView, type TaskView } from './task-view.js';

export type SnapshotTask = TaskView & { notes: NonNullable<TaskView['notes']>; metadata: Record<string, unknown> };
export type SnapshotEvent = {
  task_id: string;
  at: string;
  kind: string;
  agent?: string;
  from_status?: string;
  to_status?: string;
  note?: string;
};

/** The whole board of a project, for exporting it: every task with its notes and metadata, and the history. */
export type Snapshot = { project: string; generated_at: string; tasks: SnapshotTask[]; events: SnapshotEvent[] };

export async function readSnapshot(db: Db, projectId: string, taskIds?: string[]): Promise<Snapshot> {
  const rows = taskIds ? await selectTasksByIds(db, projectId, taskIds) : await selectAllTasks(db, projectId);
  const ids = rows.map((r) => r.id);
  const links = await selectLinks(db, projectId, ids);
  const notes = await selectNotes(db, projectId, ids);
  const tasks = rows.map((r): SnapshotTask => {
    const view = taskView(r, { dependencies: links.dependencies.get(r.id) ?? [], blocks: links.blocks.get(r.id) ?? [] }, notes.get(r.id) ?? []);
    return { ...view, notes: view.notes ?? [], metadata: r.metadata ?? {} };
  });
  const events = (await selectEvents(db, projectId, taskIds)).map((e) => {
    const view: SnapshotEvent = { task_id: e.task_id, at: e.at.toISOString(), kind: e.kind };
    if (e.actor) view.agent = e.actor;
    if (e.from_status) view.from_status = e.from_status;
    if (e.to_status) view.to_status = e.to_status;
    if (e.note) view.note = e.note;
    return view;
  });
  return { project: projectId, generated_at: new Date().toISOString(), tasks, events };
}
