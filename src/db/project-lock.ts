import { type RawBuilder, sql } from 'kysely';
import type { Db } from './schema.js';

// The two-int form of an advisory lock has a key space of its own, apart from the one-bigint form of
// the migration lock (src/db/migrate.ts), so the two can never collide. Two projects whose names
// hash alike only share a queue.
const PROJECT_LOCK_CLASS = 7420;

/**
 * 'graph': writing, importing or replacing a task list, editing dependencies (exclusive).
 * 'status': a status change that may move dependents' unmet_deps (shared: such changes only add or
 * subtract on rows they lock, so they commute with each other, but not with a graph edit's recount
 * or cycle check).
 */
export type ProjectLockMode = 'graph' | 'status';

/**
 * Serializes, per project, everything that moves the materialised unmet_deps or checks the graph,
 * until the transaction ends (an advisory lock). It must be the transaction's first statement: under
 * READ COMMITTED every later statement then reads a snapshot that holds all the changes made under
 * the lock before. Claims never take it: they are one statement over unmet_deps and skip rows a
 * graph edit has locked.
 */
export async function lockProject(db: Db, projectId: string, mode: ProjectLockMode): Promise<void> {
  await sql`select ${takeLock(projectId, mode)}`.execute(db);
}

/**
 * The lock as a condition (true once taken) for a statement that takes it itself: as a condition on
 * the row it updates, it is taken before that row is locked, so the statement never holds a row a
 * graph edit waits for while it waits for the graph edit.
 */
export function projectLockCondition(projectId: string, mode: ProjectLockMode): RawBuilder<boolean> {
  return sql<boolean>`${takeLock(projectId, mode)} is not null`;
}

function takeLock(projectId: string, mode: ProjectLockMode) {
  const fn = sql.raw(mode === 'graph' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared');
  return sql`${fn}(${sql.lit(PROJECT_LOCK_CLASS)}, hashtext(${projectId}))`;
}
