import { sql } from 'kysely';
import type { Db } from './schema.js';

// Read-only queries behind the web board. Every one is bounded by a limit or a grouping.

/** The columns a board card shows, in write order. */
export async function selectCards(db: Db, projectId: string, limit: number, offset: number) {
  return db
    .selectFrom('tasks')
    .select([
      'id', 'title', sql<string>`left(description, 80)`.as('description'), 'status', 'unmet_deps', 'priority', 'phase', 'module', 'tags',
      'assignee', 'attempts', 'max_attempts', 'lease_expires_at', 'status_updated_at',
    ])
    .where('project_id', '=', projectId)
    .orderBy('seq')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** The nodes of a dependency graph: every task of the project, a few columns each. */
export async function selectGraphNodes(db: Db, projectId: string) {
  return db
    .selectFrom('tasks')
    .select(['id', 'title', sql<string>`left(description, 60)`.as('description'), 'status', 'unmet_deps', 'phase'])
    .where('project_id', '=', projectId)
    .orderBy('seq')
    .execute();
}

export async function selectEvents(db: Db, projectId: string, taskId: string, limit: number, offset: number) {
  return db
    .selectFrom('task_events')
    .select(['id', 'at', 'actor', 'kind', 'from_status', 'to_status', 'note', 'data'])
    .where('project_id', '=', projectId)
    .where('task_id', '=', taskId)
    .orderBy('at')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function selectStatusesOf(db: Db, projectId: string, taskIds: string[]) {
  if (taskIds.length === 0) return [];
  return db
    .selectFrom('tasks')
    .select(['id', 'title', 'status', 'unmet_deps'])
    .where('project_id', '=', projectId)
    .where('id', 'in', taskIds)
    .execute();
}

/** Tasks held by an agent now (in progress or in review), oldest hold first. */
export async function selectHolds(db: Db, projectId: string, limit: number) {
  return db
    .selectFrom('tasks')
    .select(['id', 'title', 'status', 'assignee', 'attempts', 'status_updated_at', 'lease_expires_at', 'heartbeat_at'])
    .where('project_id', '=', projectId)
    .where('status', 'in', ['in_progress', 'review'])
    .orderBy('status_updated_at')
    .limit(limit)
    .execute();
}

export async function selectRecentFailures(db: Db, projectId: string, limit: number) {
  return db
    .selectFrom('tasks')
    .select(['id', 'title', 'result', 'attempts', 'status_updated_at'])
    .where('project_id', '=', projectId)
    .where('status', '=', 'failed')
    .orderBy('status_updated_at', 'desc')
    .limit(limit)
    .execute();
}

export async function countByPhaseAndStatus(db: Db, projectId: string) {
  const { rows } = await sql<{ phase: string | null; status: string; n: number; ready: number }>`
    select phase, status, count(*)::int as n, count(*) filter (where unmet_deps = 0)::int as ready
    from tasks where project_id = ${projectId} group by phase, status`.execute(db);
  return rows;
}

/** Completions per hour over the last `hours` hours (hours without any are left out). */
export async function countCompletedPerHour(db: Db, projectId: string, hours: number) {
  const { rows } = await sql<{ hour: Date; n: number }>`
    select date_trunc('hour', at) as hour, count(*)::int as n from task_events
    where project_id = ${projectId} and to_status = 'completed' and at > now() - make_interval(hours => ${hours})
    group by 1 order by 1`.execute(db);
  return rows;
}
