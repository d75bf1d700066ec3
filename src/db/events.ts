import { type Insertable, sql } from 'kysely';
import { actingCredential } from './acting-credential.js';
import type { Db, TaskEventsTable } from './schema.js';
import { insertRows } from './bulk.js';
import { anyOf } from './bulk.js';

export type NewEvent = Omit<Insertable<TaskEventsTable>, 'data'> & { data?: Record<string, unknown> | null };

export async function insertEvents(db: Db, events: NewEvent[]): Promise<void> {
  const credential = actingCredential();
  await insertRows(db, 'task_events', (function* () {
    for (const e of events) yield { ...e, credential, data: e.data ?? null };
  })());
}

export type NoteRow = { task_id: string; at: Date; note: string; actor: string | null };

/** A task's notes are the events that carry one, in time order. */
export async function selectNotes(db: Db, projectId: string, taskIds: string[]): Promise<Map<string, NoteRow[]>> {
  const notes = new Map<string, NoteRow[]>();
  if (taskIds.length === 0) return notes;
  const rows = await db
    .selectFrom('task_events')
    .select(['task_id', 'at', 'note', 'actor'])
    .where('project_id', '=', projectId)
    .where('task_id', '=', anyOf(taskIds))
    .where('note', 'is not', null)
    .orderBy('at')
    .orderBy('id')
    .execute();
  for (const r of rows) notes.set(r.task_id, [...(notes.get(r.task_id) ?? []), r as NoteRow]);
  return notes;
}

export async function selectLastNote(db: Db, projectId: string, taskId: string): Promise<NoteRow | undefined> {
  return (await db
    .selectFrom('task_events')
    .select(['task_id', 'at', 'note', 'actor'])
    .where('project_id', '=', projectId)
    .where('task_id', '=', taskId)
    .where('note', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()) as NoteRow | undefined;
}

/** The agent's latest claim of a task or expiry of its lease there, whichever came last. */
export async function selectLastHoldOf(db: Db, projectId: string, taskId: string, agent: string) {
  return db
    .selectFrom('task_events')
    .select(['kind', 'at'])
    .where('project_id', '=', projectId)
    .where('task_id', '=', taskId)
    .where((eb) =>
      eb.or([
        eb.and([eb('actor', '=', agent), eb.or([eb('kind', '=', 'claimed'), eb('to_status', '=', 'in_progress')])]),
        eb.and([eb('kind', '=', 'lease_expired'), eb(sql<string>`data->>'agent'`, '=', agent)]),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export type EventRow = {
  task_id: string;
  at: Date;
  actor: string | null;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
};

/** Every event of a project (or of some tasks) in time order: a tracker's change log. */
export async function selectEvents(db: Db, projectId: string, taskIds?: string[]): Promise<EventRow[]> {
  if (taskIds && taskIds.length === 0) return [];
  let query = db
    .selectFrom('task_events')
    .select(['task_id', 'at', 'actor', 'kind', 'from_status', 'to_status', 'note'])
    .where('project_id', '=', projectId);
  if (taskIds) query = query.where('task_id', '=', anyOf(taskIds));
  return query.orderBy('at').orderBy('id').execute();
}

/**
 * Deletes the events older than `days` that carry no note, at most `batch` per project (over the
 * index task_events_by_project). Returns how many went.
 */
export async function deleteOldEvents(db: Db, days: number, batch: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with gone as (
      delete from task_events where id in (
        select e.id from projects p cross join lateral (
          select id from task_events
          where project_id = p.id and at < now() - make_interval(days => ${days}) and note is null
          order by at limit ${batch}) e)
      returning 1)
    select count(*)::int as n from gone`.execute(db);
  return rows[0].n;
}
