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
