import { type RawBuilder, sql } from 'kysely';
import { type Db, VIEWED_TASK_COLUMNS } from './schema.js';
import { insertRows } from './bulk.js';
import { anyOf } from './bulk.js';

/** Select-list columns `dependencies` and `blocks` (text[], sorted) of the task row aliased `t`. */
export function linkColumns(t: string): RawBuilder<unknown> {
  const task = sql.ref(t);
  return sql`
    array(select d.depends_on from task_dependencies d where d.project_id = ${task}.project_id and d.task_id = ${task}.id order by 1) as dependencies,
    array(select d.task_id from task_dependencies d where d.project_id = ${task}.project_id and d.depends_on = ${task}.id order by 1) as blocks`;
}

/** Select-list columns VIEWED_TASK_COLUMNS of the task row aliased `t`. */
export function viewedColumns(t: string): RawBuilder<unknown> {
  return sql.join(VIEWED_TASK_COLUMNS.map((column) => sql.ref(`${t}.${column}`)));
}

export type Edge = { task_id: string; depends_on: string };

/** The dependencies of some tasks. */
export async function selectEdgesOf(db: Db, projectId: string, taskIds: string[]): Promise<Edge[]> {
  if (taskIds.length === 0) return [];
  return db.selectFrom('task_dependencies').select(['task_id', 'depends_on']).where('project_id', '=', projectId).where('task_id', '=', anyOf(taskIds)).execute();
}

/**
 * The edges among the tasks that depend, directly or not, on any of `from` (and `from` themselves):
 * after a write added edges out of `from`, every cycle lies in this part of the graph, since each of
 * its tasks reaches the source of a new edge. One recursive statement over the dependents index.
 */
export async function selectEdgesAbove(db: Db, projectId: string, from: string[]): Promise<Edge[]> {
  if (from.length === 0) return [];
  const { rows } = await sql<Edge>`
    with recursive above (id) as (
      select unnest(${from}::text[])
      union
      -- offset 0 keeps the step a lookup per task (over the dependents index), whatever plan the statement gets
      select n.id from above a cross join lateral (
        select d.task_id as id from task_dependencies d where d.project_id = ${projectId} and d.depends_on = a.id offset 0) n
    )
    select d.task_id, d.depends_on from above a
    join task_dependencies d on d.project_id = ${projectId} and d.task_id = a.id
    where d.depends_on in (select id from above)`.execute(db);
  return rows;
}

/** The tasks that depend directly on any of taskIds. */
export async function selectDependentIds(db: Db, projectId: string, taskIds: string[]): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    select distinct task_id as id from task_dependencies where project_id = ${projectId} and depends_on = ${anyOf(taskIds)}`.execute(db);
  return rows.map((r) => r.id);
}

/** For each task id: the ids it depends on, and the ids that depend on it. */
export async function selectLinks(db: Db, projectId: string, taskIds: string[]) {
  const dependencies = new Map<string, string[]>();
  const blocks = new Map<string, string[]>();
  if (taskIds.length === 0) return { dependencies, blocks };
  const rows = await db
    .selectFrom('task_dependencies')
    .select(['task_id', 'depends_on'])
    .where('project_id', '=', projectId)
    .where((eb) => eb.or([eb('task_id', '=', anyOf(taskIds)), eb('depends_on', '=', anyOf(taskIds))]))
    .orderBy('task_id')
    .orderBy('depends_on')
    .execute();
  const wanted = new Set(taskIds);
  for (const { task_id, depends_on } of rows) {
    if (wanted.has(task_id)) dependencies.set(task_id, [...(dependencies.get(task_id) ?? []), depends_on]);
    if (wanted.has(depends_on)) blocks.set(depends_on, [...(blocks.get(depends_on) ?? []), task_id]);
  }
  return { dependencies, blocks };
}

/** Edges may come unbuilt (a generator): they are read as the statements are built (insertRows). */
export async function insertEdges(db: Db, projectId: string, edges: Iterable<Edge>): Promise<void> {
  await insertRows(db, 'task_dependencies', (function* () {
    for (const e of edges) yield { project_id: projectId, task_id: e.task_id, depends_on: e.depends_on };
  })());
}

/** Deletes some edges of a project in one statement. */
export async function deleteEdges(db: Db, projectId: string, edges: Edge[]): Promise<void> {
  if (edges.length === 0) return;
  await sql`
    delete from task_dependencies d using unnest(${edges.map((e) => e.task_id)}::text[], ${edges.map((e) => e.depends_on)}::text[]) as u(task_id, depends_on)
    where d.project_id = ${projectId} and d.task_id = u.task_id and d.depends_on = u.depends_on`.execute(db);
}
