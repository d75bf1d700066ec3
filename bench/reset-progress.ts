import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema.js';
import type { Engine } from '../src/db/open.js';

/**
 * Puts every task of the project back to pending with its full dependency count and drops the run's
 * events, so each round starts from the same graph; then vacuums so dead rows from the last round do
 * not slow the next one.
 */
export async function resetProgress(db: Kysely<Database>, engine: Engine, project: string): Promise<void> {
  await sql`delete from task_events where project_id = ${project} and kind <> 'created'`.execute(db);
  await sql`
    with counts as (
      select t.id, (select count(*)::int from task_dependencies d where d.project_id = t.project_id and d.task_id = t.id) as deps
      from tasks t where t.project_id = ${project})
    update tasks t set status = 'pending', attempts = 0, assignee = null, started_at = null, completed_at = null,
      status_updated_at = null, lease_expires_at = null, result = null, version = 1, unmet_deps = counts.deps
    from counts
    where t.project_id = ${project} and t.id = counts.id and (t.status <> 'pending' or t.unmet_deps <> counts.deps)`.execute(db);
  await sql`vacuum analyze tasks, task_events`.execute(db);
  if (engine === 'postgres') await sql`checkpoint`.execute(db);
}

export async function dropProject(db: Kysely<Database>, project: string): Promise<void> {
  await sql`delete from projects where id = ${project}`.execute(db);
  await sql`vacuum analyze`.execute(db);
}

/** How many times each task was claimed and completed since the last reset (the smoke test checks exactly-once). */
export async function claimCounts(db: Kysely<Database>, project: string) {
  const { rows } = await sql<{ claimed_twice: number; completed_twice: number; claimed: number; completed: number }>`
    select
      count(*) filter (where kind = 'claimed')::int as claimed,
      count(*) filter (where kind = 'status' and to_status = 'completed')::int as completed,
      (select count(*)::int from (select task_id from task_events where project_id = ${project} and kind = 'claimed'
         group by task_id having count(*) > 1) x) as claimed_twice,
      (select count(*)::int from (select task_id from task_events where project_id = ${project} and kind = 'status'
         and to_status = 'completed' group by task_id having count(*) > 1) x) as completed_twice
    from task_events where project_id = ${project}`.execute(db);
  return rows[0];
}
