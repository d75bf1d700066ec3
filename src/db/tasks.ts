import { type Insertable, type RawBuilder, type Updateable, sql } from 'kysely';
import type { Db, TaskRow, TasksTable } from './schema.js';
import { anyOf, insertRows } from './bulk.js';
import { selectTaskCounts } from './task-counts.js';

export async function selectTask(db: Db, projectId: string, taskId: string, forUpdate = false): Promise<TaskRow | undefined> {
  let query = db.selectFrom('tasks').selectAll().where('project_id', '=', projectId).where('id', '=', taskId);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Up to `limit` tasks in write order after the one at seq `after` (keyset paging over tasks_by_seq). */
export async function selectTasksAfter(db: Db, projectId: string, after: string | undefined, limit: number): Promise<TaskRow[]> {
  let query = db.selectFrom('tasks').selectAll().where('project_id', '=', projectId);
  if (after !== undefined) query = query.where('seq', '>', after);
  return query.orderBy('seq').limit(limit).execute();
}

export async function selectTasksByIds(db: Db, projectId: string, taskIds: string[]): Promise<TaskRow[]> {
  if (taskIds.length === 0) return [];
  return db.selectFrom('tasks').selectAll().where('project_id', '=', projectId).where('id', '=', anyOf(taskIds)).orderBy('seq').execute();
}

/** The columns a write compares with its input (what it may change), by task. */
export const WRITTEN_COLUMNS = [
  'id', 'title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'estimated_complexity', 'estimate_tokens', 'max_attempts',
  'status', 'started_at', 'completed_at', 'result', 'attempts', 'assignee', 'branch', 'commit_sha', 'used_tokens', 'metadata',
] as const;
export type WrittenColumns = Pick<TaskRow, (typeof WRITTEN_COLUMNS)[number]>;

/** Those of taskIds that are tasks of the project, with the columns a write compares and their version. */
export async function selectWrittenColumns(db: Db, projectId: string, taskIds: string[]): Promise<Array<WrittenColumns & { version: number }>> {
  if (taskIds.length === 0) return [];
  return db.selectFrom('tasks').select([...WRITTEN_COLUMNS, 'version']).where('project_id', '=', projectId).where('id', '=', anyOf(taskIds)).execute();
}

export type TaskPageFilter = { status?: string; ready?: boolean; phase?: string; limit: number; offset: number };

export async function selectTaskPage(db: Db, projectId: string, filter: TaskPageFilter): Promise<TaskRow[]> {
  let query = db.selectFrom('tasks').selectAll().where('project_id', '=', projectId);
  if (filter.ready) query = query.where('status', '=', 'pending').where('unmet_deps', '=', 0);
  else if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.phase) query = query.where('phase', '=', filter.phase);
  // Ready tasks in the order get_next_task hands them out, which is tasks_ready's own order.
  if (filter.ready) query = query.orderBy('priority');
  return query.orderBy('seq').limit(filter.limit).offset(filter.offset).execute();
}

/** Rows may come unbuilt (a generator): they are read as the statements are built (insertRows). */
export async function insertTasks(db: Db, rows: Iterable<Insertable<TasksTable>>): Promise<void> {
  await insertRows(db, 'tasks', rows);
}

/** A change to a task row: plain values, or SQL expressions such as `now()` or `attempts + 1`. */
export type TaskPatch = { [K in keyof Updateable<TasksTable>]?: Updateable<TasksTable>[K] | RawBuilder<unknown> };

export async function updateTask(db: Db, projectId: string, taskId: string, patch: TaskPatch): Promise<TaskRow> {
  return updateTaskQuery(db, projectId, taskId, patch).executeTakeFirstOrThrow();
}

/** The UPDATE … RETURNING * of a patch, not yet run (a statement may add conditions or wrap it). */
export function updateTaskQuery(db: Db, projectId: string, taskId: string, patch: TaskPatch) {
  return db
    .updateTable('tasks')
    .set({ ...(patch as Updateable<TasksTable>), updated_at: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('project_id', '=', projectId)
    .where('id', '=', taskId)
    .returningAll();
}

export async function deleteTasks(db: Db, projectId: string, taskIds: string[]): Promise<void> {
  if (taskIds.length === 0) return;
  await db.deleteFrom('tasks').where('project_id', '=', projectId).where('id', '=', anyOf(taskIds)).execute();
}

/** Sets unmet_deps from a recount of the dependencies that are not completed. */
export async function recountUnmetDeps(db: Db, projectId: string, taskIds: string[]): Promise<void> {
  if (taskIds.length === 0) return;
  // One grouped join; only the rows whose count moves are written (a re-import that changes nothing rewrites nothing).
  await sql`
    with counted as (
      select i.id, (count(*) filter (where dep.status <> 'completed'))::int as n
      from unnest(${taskIds}::text[]) as i(id)
      left join task_dependencies d on d.project_id = ${projectId} and d.task_id = i.id
      left join tasks dep on dep.project_id = d.project_id and dep.id = d.depends_on
      group by i.id)
    update tasks t set unmet_deps = counted.n from counted
    where t.project_id = ${projectId} and t.id = counted.id and t.unmet_deps <> counted.n`.execute(db);
}

/**
 * Adds delta to unmet_deps of every task that depends on taskId (−1 when it completes, +1 when it
 * is reopened). Returns the dependents that are ready afterwards.
 */
export async function shiftDependentsUnmet(db: Db, projectId: string, taskId: string, delta: 1 | -1): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select dependent_id as id from tasklane_shift_dependents(${projectId}, ${taskId}, ${delta}) where now_ready`.execute(db);
  return rows.map((r) => r.id);
}

export type StatusCounts = Record<string, number> & { ready: number; total: number };

/** `fold`: see selectTaskCounts (false in a read-only transaction). */
export async function countByStatus(db: Db, projectId: string, fold = true): Promise<StatusCounts> {
  const counts: StatusCounts = { total: 0, ready: 0 } as StatusCounts;
  for (const r of await selectTaskCounts(db, projectId, fold)) {
    counts[r.status] = (counts[r.status] ?? 0) + r.n;
    counts.total += r.n;
    if (r.ready) counts.ready += r.n;
  }
  return counts;
}

export async function selectHolders(db: Db, projectId: string, limit: number) {
  return db
    .selectFrom('tasks')
    .select(['id', 'status', 'assignee', 'started_at', 'lease_expires_at'])
    .where('project_id', '=', projectId)
    .where('status', 'in', ['in_progress', 'review'])
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** How many of the given tasks there are per status and phase, in the order each first appears on the board. */
export async function countTasksOf(db: Db, projectId: string, taskIds: string[]) {
  if (taskIds.length === 0) return [];
  const { rows } = await sql<{ status: string; phase: string | null; n: number }>`
    select status, phase, count(*)::int as n from tasks where project_id = ${projectId} and id = ${anyOf(taskIds)} group by 1, 2 order by min(seq)`.execute(db);
  return rows;
}

/** The ids of a project's tasks that are not among taskIds (what a replace removes). */
export async function selectIdsOutside(db: Db, projectId: string, taskIds: string[]): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select id from tasks where project_id = ${projectId} and not (id = ${anyOf(taskIds)}) order by seq`.execute(db);
  return rows.map((r) => r.id);
}

/** What a write reads of the tasks it lists: each one's status, and its written digest while it is valid. */
export type WriteStates = { statuses: Map<string, string>; digests: Map<string, string> };

/**
 * The statuses of those of taskIds that are tasks of the project, and their written digests where the
 * task is still at the version that wrote it (migrations/0012_written_digest.ts). `wholeProject` reads
 * every task of the project and keeps those listed: for a long list and a project not much larger, a
 * range of the primary key costs far less than probing it once per id (10,000 ids on Postgres: 55–87 ms
 * probed).
 */
export async function selectWriteStates(db: Db, projectId: string, taskIds: string[], wholeProject = false): Promise<WriteStates> {
  const states: WriteStates = { statuses: new Map(), digests: new Map() };
  if (taskIds.length === 0) return states;
  let query = db
    .selectFrom('tasks')
    .select(['id', 'status', sql<string | null>`case when written_version = version then written_digest end`.as('digest')])
    .where('project_id', '=', projectId);
  if (!wholeProject) query = query.where('id', '=', anyOf(taskIds));
  const listed = wholeProject ? new Set(taskIds) : undefined;
  for (const r of await query.execute()) {
    if (listed && !listed.has(r.id)) continue;
    states.statuses.set(r.id, r.status);
    if (r.digest !== null) states.digests.set(r.id, r.digest);
  }
  return states;
}

export async function selectExistingIds(db: Db, projectId: string, taskIds: string[]): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const rows = await db.selectFrom('tasks').select('id').where('project_id', '=', projectId).where('id', '=', anyOf(taskIds)).execute();
  return rows.map((r) => r.id);
}
