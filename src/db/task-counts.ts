import { sql } from 'kysely';
import type { Db } from './schema.js';

/** Rows of deltas a project may gather before a reader folds them (a few per claim or completion). */
const FOLD_AT = 200;

export type CountRow = { phase: string | null; status: string; ready: boolean; n: number };

/**
 * The number of tasks per phase, status and readiness, from the deltas the triggers of migration 0006
 * append (never a scan of the tasks). When the deltas have piled up, the reader folds them, unless
 * `fold` is false (a read-only transaction cannot).
 */
export async function selectTaskCounts(db: Db, projectId: string, fold = true): Promise<CountRow[]> {
  const { rows } = await sql<CountRow & { deltas: number }>`
    select phase, status, ready, sum(n)::int as n, count(*)::int as deltas
    from task_counts where project_id = ${projectId} group by 1, 2, 3`.execute(db);
  // Folded, a project keeps a row per key (a board of many phases has hundreds): only the rows beyond count.
  if (fold && rows.reduce((total, r) => total + r.deltas, 0) - rows.length > FOLD_AT) await foldTaskCounts(db, projectId);
  return rows.filter((r) => r.n !== 0).map(({ deltas: _, ...r }) => r);
}

/** How many tasks the project holds, from its kept counts (without folding them). */
export async function selectTaskTotal(db: Db, projectId: string): Promise<number> {
  const { rows } = await sql<{ total: number }>`select coalesce(sum(n), 0)::int as total from task_counts where project_id = ${projectId}`.execute(db);
  return rows[0].total;
}

/**
 * Replaces a project's delta rows by one row per key. Rows another fold holds are skipped (skip
 * locked), so folds never wait on each other; a sum is the same whichever rows are folded.
 */
export async function foldTaskCounts(db: Db, projectId: string): Promise<void> {
  await sql`
    with gone as (
      delete from task_counts where ctid = any(array(
        select ctid from task_counts where project_id = ${projectId} for update skip locked))
      returning phase, status, ready, n)
    insert into task_counts (project_id, phase, status, ready, n)
    select ${projectId}, phase, status, ready, sum(n) from gone group by 1, 2, 3, 4 having sum(n) <> 0`.execute(db);
}
