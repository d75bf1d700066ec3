import { type Kysely, sql } from 'kysely';

// Graph edits and completions are serialized per project by an advisory lock (src/db/project-lock.ts).
// The holder's report is one statement that takes the lock as a condition of its UPDATE; its own
// snapshot predates the lock, so it may miss a graph edit committed while it waited. This function
// shifts the dependents of a completed (−1) or reopened (+1) task reading the edges in a snapshot of
// its own: each statement of a VOLATILE function takes a new one under READ COMMITTED. (Its parameters
// are named unlike any column: PL/pgSQL refuses a name that could mean either.)

/** The function as this migration made it (0008 restores it on the way down). */
export const SHIFT_DEPENDENTS_0005 =
  `create function tasklane_shift_dependents(of_project text, of_task text, delta int)
  returns table (dependent_id text, dependent_seq bigint, now_ready boolean)
  language plpgsql volatile as $$
  begin
    return query
      with shifted as (
        update tasks t set unmet_deps = t.unmet_deps + delta
        from task_dependencies d
        where d.project_id = of_project and d.depends_on = of_task and t.project_id = d.project_id and t.id = d.task_id
        returning t.id, t.seq, t.status = 'pending' and t.unmet_deps = 0)
      select * from shifted;
  end $$`;

const STATEMENTS = [SHIFT_DEPENDENTS_0005];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function tasklane_shift_dependents(text, text, int)`.execute(db);
}
