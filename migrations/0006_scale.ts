import { type Kysely, sql } from 'kysely';

// Boards of a million tasks.
// - task_counts: the number of tasks per (project, phase, status, ready), kept by statement triggers
//   as rows of deltas (+n/−n) appended in the transaction that moves a task, so that counting a
//   project reads a few rows instead of scanning its tasks, and concurrent claims never wait on one
//   counter row. Readers sum the rows; src/db/task-counts.ts folds them back into one row per key.
// - task_events: an index for each query the board runs across a project's events (the export's
//   history in time order, retention by age, completions per hour).

/** The counting function as this migration made it (0008 restores it on the way down). */
export const COUNT_TASKS_0006 = `create function tasklane_count_tasks() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then
      insert into task_counts (project_id, phase, status, ready, n)
        select project_id, phase, status, status = 'pending' and unmet_deps = 0, count(*) from new_rows group by 1, 2, 3, 4;
    elsif tg_op = 'DELETE' then
      insert into task_counts (project_id, phase, status, ready, n)
        select project_id, phase, status, status = 'pending' and unmet_deps = 0, -count(*) from old_rows group by 1, 2, 3, 4;
    else
      insert into task_counts (project_id, phase, status, ready, n)
        select project_id, phase, status, ready, sum(n) from (
          select project_id, phase, status, status = 'pending' and unmet_deps = 0 as ready, 1 as n from new_rows
          union all
          select project_id, phase, status, status = 'pending' and unmet_deps = 0, -1 from old_rows) moved
        group by 1, 2, 3, 4 having sum(n) <> 0;
    end if;
    return null;
  end $$`;

const STATEMENTS = [
  `create table task_counts (
    project_id text not null,
    phase text,
    status text not null,
    ready boolean not null,
    n bigint not null
  )`,
  `create index task_counts_by_project on task_counts (project_id)`,
  `insert into task_counts (project_id, phase, status, ready, n)
    select project_id, phase, status, status = 'pending' and unmet_deps = 0, count(*) from tasks group by 1, 2, 3, 4`,
  COUNT_TASKS_0006,
  `create trigger tasks_count_insert after insert on tasks referencing new table as new_rows
    for each statement execute function tasklane_count_tasks()`,
  `create trigger tasks_count_update after update on tasks referencing old table as old_rows new table as new_rows
    for each statement execute function tasklane_count_tasks()`,
  `create trigger tasks_count_delete after delete on tasks referencing old table as old_rows
    for each statement execute function tasklane_count_tasks()`,
  `create index task_events_by_project on task_events (project_id, at, id)`,
  `create index task_events_completed on task_events (project_id, at) where to_status = 'completed'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'drop index task_events_completed',
    'drop index task_events_by_project',
    'drop trigger tasks_count_delete on tasks',
    'drop trigger tasks_count_update on tasks',
    'drop trigger tasks_count_insert on tasks',
    'drop function tasklane_count_tasks()',
    'drop table task_counts',
  ]) {
    await sql.raw(statement).execute(db);
  }
}
