/** feature_not_supported: "cached plan must not change result type" (a migration changed a table under a prepared statement). */
export const STALE_PLAN = '0A000';
/** in_failed_sql_transaction: what the statement prepared afresh gets inside the transaction that the stale plan aborted. */
const IN_FAILED_TRANSACTION = '25P02';

/**
 * A prepared statement's plan went stale inside a transaction block (another process migrated a table
 * under it, as a newer replica does at start), and the failure aborted the transaction: nothing of it
 * stands, and it may run again as a whole (src/db/transaction.ts), the statement prepared afresh.
 */
export class StalePlanError extends Error {
  constructor(cause: unknown) {
    super('a table changed under a prepared statement inside a transaction; the transaction may run again', { cause });
  }
}

/** Runs the statement again after a stale plan; inside a transaction block the failure aborted, says so with StalePlanError. */
export async function afterStalePlan<T>(stale: unknown, again: () => Promise<T>): Promise<T> {
  try {
    return await again();
  } catch (err) {
    if ((err as { code?: string }).code === IN_FAILED_TRANSACTION) throw new StalePlanError(stale);
    throw err;
  }
}
