import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { EventRow } from './events.js';
import type { Database, TaskRow } from './schema.js';

/**
 * The orders an export reads a board in: `seq` (write order); `sections`, by phase then module, each
 * in order of its first task, tasks without a phase or a module first (the Markdown trackers' tables);
 * `families`, each task followed by its subtasks `<id>.<n>` (Taskmaster's nesting).
 */
export type TaskOrder = 'seq' | 'sections' | 'families';

/**
 * The seqs of a project's tasks in an order. Sorting the whole rows of a large board costs the server
 * ~6× more than sorting these narrow ones (13 s against 2.2 s for 1M tasks, measured): the rows of
 * each batch are then read by seq.
 */
const ORDERS: Record<Exclude<TaskOrder, 'seq'>, (projectId: string) => RawBuilder<{ seq: string }>> = {
  sections: (p) => sql`
    select seq from (
      select seq, phase, module, min(seq) over (partition by phase) as phase_seq, min(seq) over (partition by phase, module) as module_seq
      from tasks where project_id = ${p}) t
    order by phase is not null, phase_seq, module is not null, module_seq, seq`,
  families: (p) => sql`
    select t.seq
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

/** A project's tasks in an order, `size` at a time (a cursor over the rows, or over their seqs then the rows by seq). */
export async function* taskBatches(trx: Transaction<Database>, projectId: string, order: TaskOrder, size: number): AsyncGenerator<TaskRow[]> {
  if (order === 'seq') {
    yield* cursorBatches(trx, sql<TaskRow>`select * from tasks where project_id = ${projectId} order by seq`, size);
    return;
  }
  for await (const seqs of cursorBatches(trx, ORDERS[order](projectId), size)) {
    const rows = await trx.selectFrom('tasks').selectAll().where('project_id', '=', projectId).where('seq', '=', sql<string>`any(${seqs.map((r) => String(r.seq))}::bigint[])`).execute();
    const bySeq = new Map(rows.map((r) => [String(r.seq), r]));
    yield seqs.map((r) => bySeq.get(String(r.seq))!);
  }
}

export const changeLogBatches = (trx: Transaction<Database>, projectId: string, size: number) => cursorBatches(trx, changeLog(projectId), size);

export async function countChangeLog(trx: Transaction<Database>, projectId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from (${changeLog(projectId)}) e`.execute(trx);
  return rows[0].n;
}
