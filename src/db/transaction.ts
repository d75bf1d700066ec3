import type { Kysely, Transaction } from 'kysely';
import { DatabaseUnavailableError, isConnectionLoss, wasNotSent } from './connection-loss.js';
import type { Database } from './schema.js';
import { StalePlanError } from './stale-plan.js';

// serialization_failure and deadlock_detected: the transaction did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);
/** Long enough for a pool to drop its broken connections and open a new one. */
const RECONNECT_PAUSE_MS = 250;

/**
 * What a lost connection leaves of the work: `undone` for a transaction before its COMMIT (the server
 * rolls it back) or a read; `unknown` for a single writing statement, which may have committed.
 */
export type OnLoss = 'undone' | 'unknown';

export function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return retrying(async () => {
    let committing = false;
    try {
      return await db.transaction().execute(async (trx) => {
        const result = await work(trx);
        committing = true;
        return result;
      });
    } catch (err) {
      if (committing && isConnectionLoss(err)) throw new DatabaseUnavailableError(true, { cause: err });
      throw err;
    }
  }, 'undone');
}

/**
 * Runs work (one transaction, or one statement outside any) again while it fails in a way that undid
 * it: a serialization failure, a deadlock or a plan gone stale under it (up to 5 times), a lost
 * connection once. A lost connection that may have left the work done, or a second one, becomes
 * DatabaseUnavailableError.
 */
export async function retrying<T>(work: () => Promise<T>, onLoss: OnLoss = 'unknown'): Promise<T> {
  let lost = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (isConnectionLoss(err)) {
        const undone = onLoss === 'undone' || wasNotSent(err);
        if (!undone) throw new DatabaseUnavailableError(true, { cause: err });
        if (++lost > 1) throw new DatabaseUnavailableError(false, { cause: err });
        await new Promise((r) => setTimeout(r, RECONNECT_PAUSE_MS + Math.random() * 100));
        continue;
      }
      if (err instanceof StalePlanError && attempt < 5) continue;
      const code = (err as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

/**
 * Work that reads a consistent picture of the board across many statements (an export): one
 * repeatable-read, read-only transaction. Never retried: the work may have sent its output already.
 */
export function inReadSnapshot<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);
}
