import { selectLinks } from '../db/dependencies.js';
import { type EventRow, selectEvents, selectNotes } from '../db/events.js';
import type { Db, TaskRow } from '../db/schema.js';
import { selectTasksAfter, selectTasksByIds } from '../db/tasks.js';
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

/** Tasks read per batch (with their links and notes): statements stay small whatever the board's size. */
export const SNAPSHOT_BATCH = 5000;

/** `onBatch`: told how many tasks have been read so far, after each batch (a progress bar's feed). */
export async function readSnapshot(db: Db, projectId: string, taskIds?: string[], onBatch?: (read: number) => void): Promise<Snapshot> {
  const tasks: SnapshotTask[] = [];
  for await (const batch of snapshotBatches(db, projectId, taskIds)) {
    tasks.push(...batch);
    onBatch?.(tasks.length);
  }
  const events = (await selectEvents(db, projectId, taskIds)).map(eventView);
  return { project: projectId, generated_at: new Date().toISOString(), tasks, events };
}

/** The tasks of a project (or the given ones) in write order, a batch at a time, each with its links and notes. */
export async function* snapshotBatches(db: Db, projectId: string, taskIds?: string[]): AsyncGenerator<SnapshotTask[]> {
  let after: string | undefined;
  for (let start = 0; ; start += SNAPSHOT_BATCH) {
    const rows = taskIds
      ? await selectTasksByIds(db, projectId, taskIds.slice(start, start + SNAPSHOT_BATCH))
      : await selectTasksAfter(db, projectId, after, SNAPSHOT_BATCH);
    if (rows.length) yield await withLinksAndNotes(db, projectId, rows);
    after = rows.at(-1)?.seq;
    if (taskIds ? start + SNAPSHOT_BATCH >= taskIds.length : rows.length < SNAPSHOT_BATCH) return;
  }
}

/** Task rows as snapshot tasks: each with its links and notes (two statements for the batch). */
export async function withLinksAndNotes(db: Db, projectId: string, rows: TaskRow[]): Promise<SnapshotTask[]> {
  const ids = rows.map((r) => r.id);
  const links = await selectLinks(db, projectId, ids);
  const notes = await selectNotes(db, projectId, ids);
  return rows.map((r): SnapshotTask => {
    const view = taskView(r, { dependencies: links.dependencies.get(r.id) ?? [], blocks: links.blocks.get(r.id) ?? [] }, notes.get(r.id) ?? []);
    return { ...view, notes: view.notes ?? [], metadata: r.metadata ?? {} };
  });
}

export function eventView(e: EventRow): SnapshotEvent {
  const view: SnapshotEvent = { task_id: e.task_id, at: e.at.toISOString(), kind: e.kind };
  if (e.actor) view.agent = e.actor;
  if (e.from_status) view.from_status = e.from_status;
  if (e.to_status) view.to_status = e.to_status;
  if (e.note) view.note = e.note;
  return view;
}
