import { selectEvents, selectStatusesOf } from '../db/board-queries.js';
import { selectLinks } from '../db/dependencies.js';
import type { Db } from '../db/schema.js';
import { selectTask } from '../db/tasks.js';
import { taskNotFound } from './errors.js';
import { iso, taskView, type TaskView } from './task-view.js';

export type TimelineEvent = {
  at: string;
  actor?: string;
  kind: string;
  from_status?: string;
  to_status?: string;
  note?: string;
  data?: Record<string, unknown>;
};

export type LinkedTask = { id: string; title?: string; status: string; ready?: boolean };

export type TaskDetail = {
  project: string;
  task: TaskView;
  heartbeat_at?: string;
  depends_on: LinkedTask[];
  blocks: LinkedTask[];
  events: TimelineEvent[];
  events_offset: number;
  next_events_offset?: number;
};

export const TIMELINE_PAGE = 200;

/** Every field of a task, its neighbours with their statuses, and one page of its event timeline. */
export async function taskDetail(db: Db, projectId: string, taskId: string, page: { offset?: number; limit?: number } = {}): Promise<TaskDetail> {
  const row = await selectTask(db, projectId, taskId);
  if (!row) throw taskNotFound(taskId, projectId);
  const links = await selectLinks(db, projectId, [row.id]);
  const dependencies = links.dependencies.get(row.id) ?? [];
  const blocks = links.blocks.get(row.id) ?? [];
  const linked = new Map((await selectStatusesOf(db, projectId, [...dependencies, ...blocks])).map((r) => [r.id, r]));
  const linkOf = (id: string): LinkedTask => {
    const r = linked.get(id);
    if (!r) return { id, status: 'unknown' };
    return { id, ...(r.title ? { title: r.title } : {}), status: r.status, ...(r.status === 'pending' ? { ready: r.unmet_deps === 0 } : {}) };
  };
  const limit = Math.min(page.limit ?? TIMELINE_PAGE, 1000);
  const offset = page.offset ?? 0;
  const rows = await selectEvents(db, projectId, row.id, limit + 1, offset);
  const events = rows.slice(0, limit).map((e) => {
    const event: TimelineEvent = { at: iso(e.at)!, kind: e.kind };
    if (e.actor) event.actor = e.actor;
    if (e.from_status) event.from_status = e.from_status;
    if (e.to_status) event.to_status = e.to_status;
    if (e.note) event.note = e.note;
    if (e.data) event.data = e.data;
    return event;
  });
  return {
    project: projectId,
    task: taskView(row, { dependencies, blocks }),
    ...(row.heartbeat_at && row.status === 'in_progress' ? { heartbeat_at: iso(row.heartbeat_at) } : {}),
    depends_on: dependencies.map(linkOf),
    blocks: blocks.map(linkOf),
    events,
    events_offset: offset,
    ...(rows.length > limit ? { next_events_offset: offset + limit } : {}),
  };
}
