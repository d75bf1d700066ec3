import { sql } from 'kysely';
import type { Db } from './schema.js';
import { selectTaskCounts } from './task-counts.js';
import { anyOf } from './bulk.js';

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

const GRAPH_COLUMNS = ['id', 'title', sql<string>`left(description, 60)`.as('description'), 'status', 'unmet_deps', 'phase'] as const;

/** The nodes of a dependency graph, in write order: of one phase, or of the whole project, at most `limit`. */
export async function selectGraphNodes(db: Db, projectId: string, phase: string | undefined, limit: number) {
  let query = db.selectFrom('tasks').select([...GRAPH_COLUMNS]).where('project_id', '=', projectId);
  if (phase !== undefined) query = query.where('phase', '=', phase);
  return query.orderBy('seq').limit(limit).execute();
}

export async function selectGraphNodesByIds(db: Db, projectId: string, taskIds: string[]) {
  if (taskIds.length === 0) return [];
  return db.selectFrom('tasks').select([...GRAPH_COLUMNS]).where('project_id', '=', projectId).where('id', '=', anyOf(taskIds)).orderBy('seq').execute();
}

/**
 * A task and what it depends on, directly or not (`upstream`), or what depends on it (downstream),
 * nearest first by a recursive walk that stops at `limit` ids.
 */
export async function selectChainIds(db: Db, projectId: string, taskId: string, direction: 'upstream' | 'downstream', limit: number) {
  const [from, to] = direction === 'upstream' ? [sql.ref('d.task_id'), sql.ref('d.depends_on')] : [sql.ref('d.depends_on'), sql.ref('d.task_id')];
  const { rows } = await sql<{ id: string }>`
    with recursive chain (id) as (
      select ${taskId}::text
      union
      select n.id from chain c cross join lateral (
        select ${to} as id from task_dependencies d where d.project_id = ${projectId} and ${from} = c.id offset 0) n
    )
    select id from chain limit ${limit}`.execute(db);
  return rows.map((r) => r.id);
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
    .where('id', '=', anyOf(taskIds))
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

/** Tasks per phase and status (ready: how many of them are pending with nothing unmet). */
export async function countByPhaseAndStatus(db: Db, projectId: string) {
  const rows = new Map<string, { phase: string | null; status: string; n: number; ready: number }>();
  for (const r of await selectTaskCounts(db, projectId)) {
    const key = JSON.stringify([r.phase, r.status]);
    const row = rows.get(key) ?? { phase: r.phase, status: r.status, n: 0, ready: 0 };
    row.n += r.n;
    if (r.ready) row.ready += r.n;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** Completions per hour over the last `hours` hours (hours without any are left out). */
export async function countCompletedPerHour(db: Db, projectId: string, hours: number) {
  const { rows } = await sql<{ hour: Date; n: number }>`
    select date_trunc('hour', at) as hour, count(*)::int as n from task_events
    where project_id = ${projectId} and to_status = 'completed' and at > now() - make_interval(hours => ${hours})
    group by 1 order by 1`.execute(db);
  return rows;
}
