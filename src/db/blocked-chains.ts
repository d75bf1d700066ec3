import { sql } from 'kysely';
import type { Db } from './schema.js';

export type BlockedChain = { root: string; root_status: string; path: string[] };

/**
 * Up to `limit` chains of pending work that cannot start: each begins at a failed, blocked or
 * cancelled task (the root) that a pending task depends on, the first such by write order, and
 * climbs through pending dependents (one at each step: the first found, not the first by write
 * order, which would read every dependent of a task many depend on; at most `depth` steps).
 * Indexed lookups only: the dead tasks by status in write order, then one dependents lookup per
 * step; never the whole graph.
 */
export async function selectBlockedChains(db: Db, projectId: string, limit: number, depth = 50): Promise<BlockedChain[]> {
  // The limits are literals: as parameters, a prepared statement's generic plan does not know them, and it
  // planned for thousands of roots (37 ms on a million tasks against 1.7 ms).
  const { rows } = await sql<BlockedChain>`
    with recursive roots as (
      -- The first dead ends in write order for each dead status, read from tasks_by_status (project,
      -- status, seq). A plain filter let the planner scan the table, where the rows updated last lie at the end.
      select r.id, r.status, r.seq from unnest(array['failed', 'blocked', 'cancelled']) dead(status) cross join lateral (
        select r.id, r.status, r.seq from tasks r
        where r.project_id = ${projectId} and r.status = dead.status and exists (
          select 1 from task_dependencies d join tasks t on t.project_id = d.project_id and t.id = d.task_id
          where d.project_id = r.project_id and d.depends_on = r.id and t.status = 'pending')
        order by r.seq limit ${sql.lit(limit)}) r
      order by r.seq limit ${sql.lit(limit)}
    ), up (root, id, path) as (
      select id, id, array[id] from roots
      union all
      select up.root, next.id, up.path || next.id from up cross join lateral (
        select d.task_id as id from task_dependencies d join tasks t on t.project_id = d.project_id and t.id = d.task_id
        where d.project_id = ${projectId} and d.depends_on = up.id and t.status = 'pending'
        limit 1) next
      where cardinality(up.path) <= ${sql.lit(depth)}
    )
    select root, root_status, path from (
      select distinct on (r.seq) r.seq, up.root, r.status as root_status, up.path
      from up join roots r on r.id = up.root
      order by r.seq, cardinality(up.path) desc) longest
    order by seq`.execute(db);
  return rows;
}
