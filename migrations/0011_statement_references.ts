import { type Kysely, sql } from 'kysely';

// A task's project and a link's two tasks are checked once a statement instead of once a row. A
// declared foreign key checks each inserted row with a query of its own, and cascades each deleted row
// with one: of the 3.8 s of SQL that 100,000 tasks with their links and events took to insert on the
// local Postgres, those per-row checks were 2.2 s (psql, once), where one join over the inserted rows
// takes tens of milliseconds.
// - after an insert, the rows referred to are locked `for key share`, as a foreign key's check locks
//   them (a concurrent delete waits for this transaction; a row deleted before cannot be locked), then
//   their existence is checked (in read committed, that check sees the end of any delete the lock
//   waited for), and the statement fails with foreign_key_violation (23503) when one is missing. Rows
//   this transaction created need no lock (no other transaction can see them), so an import that links
//   its own new tasks checks them all in one join;
// - after a delete of projects or tasks, the rows that referred to them are deleted (`on delete cascade`);
// - the keys these references use are never updated: an update that tries fails, as `no action` would.
//   The check is an AFTER trigger: a BEFORE row trigger on tasks, even one that never fires, makes every
//   update of a task fetch its row again first (0-5% of PGlite's take-and-finish, bench/ab-hot-path-variants.sh).
// A statement of up to 100 rows is checked by statements whose plans are cached (an index lookup a
// reference); a larger one by statements planned when they run (`execute`), for the number of rows it
// really inserted: a plan cached for one row would probe a million-task table 200,000 times for an
// import, one made for an import would scan it for one link, and planning each time costs a small write
// on PGlite as much as the write itself. Cascading deletes are always planned when they run.
// A task's events keep their declared foreign key: they are inserted one or two at a time by the
// hottest statements (a claim, a report), where the check of one row costs nothing measurable and a
// statement trigger 11-16% of PGlite's take-and-finish (bench/ab-hot-path-variants.sh).
const refusal = (what: string) => `raise exception '%', ${what} using errcode = 'foreign_key_violation'`;
const SMALL_STATEMENT = 100;

/**
 * A trigger function that checks the rows a statement inserted refer to existing rows: `keys` selects
 * each reference as (project_id, id) from new_rows, `target` is the table referred to, `on` joins its
 * row t to a reference n (`:projects` in it stands for the projects the rows name, so that the planner
 * can read those projects' rows only), and `named` says which n is missing. One join counts the
 * references missing and those to rows other transactions made; only when there are such rows are
 * they locked and the references checked again.
 */
function referenceCheck(name: string, table: string, keys: string, target: string, on: string, named: string): string {
  const mine = `(txid_current() % 4294967296)::text::xid`;
  const count = `select count(*) filter (where t.xmin is null), count(distinct t.ctid) filter (where t.xmin <> ${mine})
    from (${keys}) n left join ${target} t on ${on}`;
  const lock = `select count(*) from (select from ${target} t where exists (select from (${keys}) n where ${on}) and t.xmin <> ${mine} for key share) l`;
  const find = `select ${named} from (${keys}) n where not exists (select from ${target} t where ${on}) limit 1`;
  // A row another transaction made and deleted since the count cannot be locked: then the references
  // are checked again, to name the missing one.
  const body = (run: (statement: string, into?: string) => string) => `
        ${run(count, 'missing_n, theirs_n')}
        if theirs_n > 0 then
          ${run(lock, 'locked_n')}
          if locked_n < theirs_n then missing_n := 1; end if;
        end if;
        if missing_n > 0 then
          ${run(find, 'missing')}
          if missing is not null then ${refusal(`format('${table}: %s does not exist', missing)`)}; end if;
        end if;`;
  const scoped = on.includes(':projects');
  // The same statements either way: in plpgsql's own SQL (`select … into v from …`, `perform …`), or as text to execute.
  const cached = (statement: string, into?: string) =>
    into ? `${statement.replace(/^select (.*?) from/s, `select $1 into ${into} from`).replaceAll(':projects', 'projects')};` : `perform ${statement.replace(/^select /, '')};`;
  const planned = (statement: string, into?: string) =>
    `execute '${statement.replaceAll("'", "''").replaceAll(':projects', '$1')}'${into ? ` into ${into}` : ''}${scoped ? ' using projects' : ''};`;
  return `
  create function ${name}() returns trigger language plpgsql as $$
    declare
      projects text[] := ${scoped ? 'array(select distinct project_id from new_rows)' : 'null'};
      missing text;
      missing_n bigint;
      theirs_n bigint;
      locked_n bigint;
    begin
      if (select count(*) from new_rows) <= ${SMALL_STATEMENT} then${body(cached)}
      else${body(planned)}
      end if;
      return null;
    end $$`;
}

const TASK = ['tasks', 't.project_id = n.project_id and t.id = n.id and t.project_id = any(:projects)', `'task ' || n.project_id || '/' || n.id`] as const;
const FUNCTIONS = [
  referenceCheck('tasklane_tasks_refer', 'tasks', 'select distinct project_id as id from new_rows', 'projects', 't.id = n.id', `'project ' || n.id`),
  referenceCheck('tasklane_links_refer', 'task_dependencies', 'select project_id, task_id as id from new_rows union all select project_id, depends_on from new_rows', ...TASK),
  `create function tasklane_project_cascade() returns trigger language plpgsql as $$
    begin
      execute 'delete from tasks t using old_rows o where t.project_id = o.id';
      return null;
    end $$`,
  `create function tasklane_task_cascade() returns trigger language plpgsql as $$
    begin
      execute 'delete from task_dependencies d using old_rows o where d.project_id = o.project_id and d.task_id = o.id';
      execute 'delete from task_dependencies d using old_rows o where d.project_id = o.project_id and d.depends_on = o.id';
      return null;
    end $$`,
  `create function tasklane_keys_stay() returns trigger language plpgsql as $$
    begin
      ${refusal(`format('%s: the columns a reference uses are never updated', tg_table_name)`)};
    end $$`,
];

const TRIGGERS = [
  `create trigger tasks_refer after insert on tasks referencing new table as new_rows for each statement execute function tasklane_tasks_refer()`,
  `create trigger links_refer after insert on task_dependencies referencing new table as new_rows for each statement execute function tasklane_links_refer()`,
  `create trigger projects_cascade after delete on projects referencing old table as old_rows for each statement execute function tasklane_project_cascade()`,
  `create trigger tasks_cascade after delete on tasks referencing old table as old_rows for each statement execute function tasklane_task_cascade()`,
  `create trigger projects_key_stays after update of id on projects for each row when (old.id is distinct from new.id) execute function tasklane_keys_stay()`,
  `create trigger tasks_key_stays after update of project_id, id on tasks for each row
    when ((old.project_id, old.id) is distinct from (new.project_id, new.id)) execute function tasklane_keys_stay()`,
  `create trigger links_key_stays after update of project_id, task_id, depends_on on task_dependencies for each row
    when ((old.project_id, old.task_id, old.depends_on) is distinct from (new.project_id, new.task_id, new.depends_on)) execute function tasklane_keys_stay()`,
];

const FOREIGN_KEYS = [
  ['tasks', 'tasks_project_id_fkey', 'foreign key (project_id) references projects (id) on delete cascade'],
  ['task_dependencies', 'task_dependencies_project_id_task_id_fkey', 'foreign key (project_id, task_id) references tasks (project_id, id) on delete cascade'],
  ['task_dependencies', 'task_dependencies_project_id_depends_on_fkey', 'foreign key (project_id, depends_on) references tasks (project_id, id) on delete cascade'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, name] of FOREIGN_KEYS) await sql.raw(`alter table ${table} drop constraint ${name}`).execute(db);
  for (const statement of [...FUNCTIONS, ...TRIGGERS]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const trigger of TRIGGERS) {
    const [, name, table] = /create trigger (\w+) .*? on (\w+)/s.exec(trigger) ?? [];
    await sql.raw(`drop trigger ${name} on ${table}`).execute(db);
  }
  for (const fn of FUNCTIONS) await sql.raw(`drop function ${/create function (\w+)/.exec(fn)?.[1]}()`).execute(db);
  for (const [table, name, definition] of FOREIGN_KEYS) await sql.raw(`alter table ${table} add constraint ${name} ${definition}`).execute(db);
}
