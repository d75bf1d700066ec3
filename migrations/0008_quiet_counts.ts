import { type Kysely, sql } from 'kysely';
import { SHIFT_DEPENDENTS_0005 } from './0005_shift_dependents.js';
import { COUNT_TASKS_0006 } from './0006_scale.js';

// The common completion, a task nothing depends on, made cheaper (a seventh of a PGlite take-and-finish):
// - tasklane_shift_dependents returns at once when the task has no dependents, instead of an UPDATE of
//   no rows, which still fired the statement trigger that counts tasks. (The check is a statement of its
//   own, like the update: both read the edges after the caller took the project's lock.)
// - the counting trigger returns at once on a statement that moved no row.
const STATEMENTS = [
  `create or replace function tasklane_shift_dependents(of_project text, of_task text, delta int)
  returns table (dependent_id text, dependent_seq bigint, now_ready boolean)
  language plpgsql volatile as $$
  begin
    if not exists (select 1 from task_dependencies where project_id = of_project and depends_on = of_task) then
      return;
    end if;
    return query
      with shifted as (
        update tasks t set unmet_deps = t.unmet_deps + delta
        from task_dependencies d
        where d.project_id = of_project and d.depends_on = of_task and t.project_id = d.project_id and t.id = d.task_id
        returning t.id, t.seq, t.status = 'pending' and t.unmet_deps = 0)
      select * from shifted;
  end $$`,
  `create or replace function tasklane_count_tasks() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      insert into task_counts (project_id, phase, status, ready, n)
        select project_id, phase, status, status = 'pending' and unmet_deps = 0, -count(*) from old_rows group by 1, 2, 3, 4;
      return null;
    end if;
    if not exists (select 1 from new_rows) then
      return null;
    end if;
    if tg_op = 'INSERT' then
      insert into task_counts (project_id, phase, status, ready, n)
        select project_id, phase, status, status = 'pending' and unmet_deps = 0, count(*) from new_rows group by 1, 2, 3, 4;
    else
      insert into task_counts (project_id, phase, status, ready, n)
        select project_id, phase, status, ready, sum(n) from (
          select project_id, phase, status, status = 'pending' and unmet_deps = 0 as ready, 1 as n from new_rows
          union all
          select project_id, phase, status, status = 'pending' and unmet_deps = 0, -1 from old_rows) moved
        group by 1, 2, 3, 4 having sum(n) <> 0;
    end if;
    return null;
  end $$`,
];

const orReplace = (statement: string) => statement.replace(/^create function/, 'create or replace function');

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [SHIFT_DEPENDENTS_0005, COUNT_TASKS_0006]) await sql.raw(orReplace(statement)).execute(db);
}
