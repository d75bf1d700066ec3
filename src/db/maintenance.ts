import { sql } from 'kysely';
import type { Db } from './schema.js';

type Stale = { relname: string; vacuum: boolean; analyze: boolean };

/**
 * Fresh statistics for the task tables, after a write that changed many rows: without them the
 * planner guesses a project holds a handful of tasks and a claim scans them all. (The activity
 * counters tidyTables reads reach pg_stat only a second or so after a write.)
 */
export async function analyzeTaskTables(db: Db): Promise<void> {
  await sql`analyze tasks, task_dependencies`.execute(db);
}

/**
 * Autovacuum's own thresholds (50 rows + 20% dead for VACUUM, 50 + 10% changed for ANALYZE), applied
 * on demand. PGlite runs no autovacuum, so without this its planner never has statistics and dead
 * rows pile up. Must run outside a transaction (VACUUM refuses one).
 */
export async function tidyTables(db: Db): Promise<string[]> {
  const { rows } = await sql<Stale>`
    select relname,
      n_dead_tup > 50 + 0.2 * n_live_tup as vacuum,
      n_mod_since_analyze > 50 + 0.1 * n_live_tup as analyze
    from pg_stat_user_tables
    where schemaname = current_schema()
      and (n_mod_since_analyze > 50 + 0.1 * n_live_tup or n_dead_tup > 50 + 0.2 * n_live_tup)`.execute(db);
  const done: string[] = [];
  for (const t of rows) {
    if (t.vacuum) await sql`vacuum (analyze) ${sql.table(t.relname)}`.execute(db);
    else if (t.analyze) await sql`analyze ${sql.table(t.relname)}`.execute(db);
    else continue;
    done.push(t.relname);
  }
  return done;
}

/**
 * PGlite runs Postgres as a single user, with no checkpointer: no checkpoint is made until the database
 * closes, however much WAL is written. A board host that runs for days keeps every WAL segment since it
 * opened (about 3 KB a take-and-finish, 100 MB an import of 80,000 tasks), and after a crash its next
 * open replays all of it. Makes a checkpoint once more than `walBytes` were written since the last: the
 * folder then recycles its segments and a crash replays at most that much. Reports whether it made one.
 */
export async function checkpointIfDue(db: Db, walBytes: number): Promise<boolean> {
  const { rows } = await sql<{ due: boolean }>`
    select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn) > ${walBytes} as due from pg_control_checkpoint()`.execute(db);
  if (!rows[0]?.due) return false;
  await sql`checkpoint`.execute(db);
  return true;
}
