import { type Kysely, sql } from 'kysely';

// The two hottest statements, a claim and a holder's report, count their own move in task_counts (in
// the same statement, src/db/claim-next-task.ts and finish-held-task.ts) instead of through the
// counting trigger: on PGlite that trigger was a fifth of a take-and-finish (its SPI statement and
// transition tables), and on Postgres a statement of its own per move.
// - count_flip: a statement that counts its own move flips it; any other update leaves it as it was.
// - the update trigger is per row, and fires only for a row whose count key (status, phase, ready)
//   moved and whose count_flip did not: the check is a condition in the trigger's WHEN, so a row the
//   statement counted itself, or one whose key stays, costs no call. A bulk update that moves the keys
//   of many rows pays one call per row (about twice the statement trigger's time per moved row);
//   inserts and deletes keep their statement triggers.
const COUNT_MOVE = `create function tasklane_count_move() returns trigger language plpgsql as $$
  begin
    insert into task_counts (project_id, phase, status, ready, n) values
      (old.project_id, old.phase, old.status, old.status = 'pending' and old.unmet_deps = 0, -1),
      (new.project_id, new.phase, new.status, new.status = 'pending' and new.unmet_deps = 0, 1);
    return null;
  end $$`;

const STATEMENTS = [
  `alter table tasks add column count_flip boolean not null default false`,
  COUNT_MOVE,
  `drop trigger tasks_count_update on tasks`,
  `create trigger tasks_count_move after update on tasks for each row
    when ((old.status, old.phase, old.status = 'pending' and old.unmet_deps = 0) is distinct from (new.status, new.phase, new.status = 'pending' and new.unmet_deps = 0)
      and old.count_flip = new.count_flip)
    execute function tasklane_count_move()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'drop trigger tasks_count_move on tasks',
    'drop function tasklane_count_move()',
    `create trigger tasks_count_update after update on tasks referencing old table as old_rows new table as new_rows
      for each statement execute function tasklane_count_tasks()`,
    'alter table tasks drop column count_flip',
  ]) {
    await sql.raw(statement).execute(db);
  }
}
