import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { EventRow } from './events.js';
import type { Database, TaskRow } from './schema.js';

/**
 * The orders an export reads a board in: `seq` (write order); `sections`, by phase then module, each
 * in order of its first task, tasks without a phase or a module first (the Markdown trackers' tables);
 * `families`, each task followed by its subtasks `<id>.<n>` (Taskmaster's nesting).
 */
export type TaskOrder = 'seq' | 'sections' | 'families';

const ORDERS: Record<TaskOrder, (projectId: string) => RawBuilder<TaskRow>> = {
  seq: (p) => sql`select * from tasks where project_id = ${p} order by seq`,
  sections: (p) => sql`
    select * from (
      select t.*, min(seq) over (partition by phase) as phase_seq, min(seq) over (partition by phase, module) as module_seq
      from tasks t where project_id = ${p}) t
    order by phase is not null, phase_seq, module is not null, module_seq, seq`,
  families: (p) => sql`
    select t.*, parent.seq as parent_seq
    from tasks t left join tasks parent
      on parent.project_id = t.project_id and t.id ~ '^[^.]+\\.[^.]+$' and parent.id = split_part(t.id, '.', 1)
    where t.project_id = ${p}
    order by coalesce(parent.seq, t.seq), parent.seq is not null, t.seq`,
};

/** The events a tracker's change log shows (status changes and notes), in time order. */
const changeLog = (p: string) => sql<EventRow>`
  select task_id, at, actor, kind, from_status, to_status, note from task_events
  where project_id = ${p} and (note <> '' or (from_status <> '' and to_status <> ''))
  order by at, id`;

let cursors = 0;

/**
 * A query's rows, `size` at a time, through a cursor of the caller's transaction: the server sorts
 * once (on disk if it must) and this process holds one batch, whatever the number of rows.
 */
async function* cursorBatches<R>(trx: Transaction<Database>, query: RawBuilder<R>, size: number): AsyncGenerator<R[]> {
  const name = sql.id(`tasklane_export_${++cursors}`);
  await sql`declare ${name} no scroll cursor for ${query}`.execute(trx);
  let open = true;
  try {
    while (open) {
      const { rows } = await sql<R>`fetch forward ${sql.lit(size)} from ${name}`.execute(trx);
      open = rows.length === size;
      if (rows.length) yield rows;
    }
  } finally {
    await sql`close ${name}`.execute(trx).catch(() => {});
  }
}

export const taskBatches = (trx: Transaction<Database>, projectId: string, order: TaskOrder, size: number) =>
  cursorBatches(trx, ORDERS[order](projectId), size);

export const changeLogBatches = (trx: Transaction<Database>, projectId: string, size: number) => cursorBatches(trx, changeLog(projectId), size);

export async function countChangeLog(trx: Transaction<Database>, projectId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from (${changeLog(projectId)}) e`.execute(trx);
  return rows[0].n;
}
