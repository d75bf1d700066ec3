import { sql } from 'kysely';
import type { Store } from '../../src/db/open.js';
import { recountMismatches } from './engines.js';

/**
 * What must hold for a project after any interleaving of calls, checked in SQL: each broken rule as
 * one line (empty when the board is sound).
 */
export async function boardViolations(store: Store, project: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of await recountMismatches(store, project)) found.push(`${r.id}: unmet_deps ${r.unmet_deps}, but ${r.actual} dependencies are not completed`);
  const { rows: claimable } = await sql<{ id: string }>`
    select t.id from tasks t
    where t.project_id = ${project} and t.status = 'pending' and t.unmet_deps = 0 and exists (
      select 1 from task_dependencies d join tasks dep on dep.project_id = d.project_id and dep.id = d.depends_on
      where d.project_id = t.project_id and d.task_id = t.id and dep.status <> 'completed')`.execute(store.db);
  for (const r of claimable) found.push(`${r.id}: claimable while a dependency is not completed`);
  const { rows: cycles } = await sql<{ path: string[] }>`
    with recursive walk (node, path, cycle) as (
      select depends_on, array[task_id, depends_on], task_id = depends_on from task_dependencies where project_id = ${project}
      union all
      select d.depends_on, w.path || d.depends_on, d.depends_on = any (w.path)
      from walk w join task_dependencies d on d.project_id = ${project} and d.task_id = w.node
      where not w.cycle)
    select path from walk where cycle limit 1`.execute(store.db);
  for (const r of cycles) found.push(`dependency cycle: ${r.path.join(' → ')}`);
  const { rows: repeated } = await sql<{ id: string; n: number }>`
    select id, count(*)::int as n from tasks where project_id = ${project} group by id having count(*) > 1`.execute(store.db);
  for (const r of repeated) found.push(`${r.id}: exists ${r.n} times`);
  return [...found, ...(await countViolations(store, project))];
}

/** The counts task_counts keeps against a count of the tasks (linear: fit for boards of any size). */
export async function countViolations(store: Store, project: string): Promise<string[]> {
  const found: string[] = [];
  const { rows: miscounted } = await sql<{ key: string; kept: number; actual: number }>`
    with kept as (
      select coalesce(phase, '') as phase, status, ready, sum(n)::int as n from task_counts where project_id = ${project} group by 1, 2, 3),
    actual as (
      select coalesce(phase, '') as phase, status, status = 'pending' and unmet_deps = 0 as ready, count(*)::int as n from tasks where project_id = ${project} group by 1, 2, 3)
    select concat_ws('/', coalesce(k.phase, a.phase), coalesce(k.status, a.status), coalesce(k.ready, a.ready)) as key,
      coalesce(k.n, 0) as kept, coalesce(a.n, 0) as actual
    from kept k full join actual a on k.phase = a.phase and k.status = a.status and k.ready = a.ready
    where coalesce(k.n, 0) <> coalesce(a.n, 0)`.execute(store.db);
  for (const r of miscounted) found.push(`task_counts ${r.key}: ${r.kept} kept, ${r.actual} tasks`);
  return found;
}
