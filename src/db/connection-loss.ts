/**
 * Telling a lost database connection from every other failure, and saying what it did to the call.
 * A statement that meets a broken connection either never reached the server (nothing happened), ran
 * inside a transaction that had not committed (the server undid it), or was a COMMIT or a single
 * writing statement whose answer never came back (it may have taken effect).
 */

// 08: connection exception; 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02
// crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down), 57P05 idle_session_timeout.
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05']);
const LOST_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// pg's own errors carry no code: a socket that ended, a client that an earlier error left unusable,
// the pool's connect timeout.
const LOST_MESSAGES = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

const NOT_SENT = Symbol('tasklane.notSent');

export function isConnectionLoss(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof DatabaseUnavailableError) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || LOST_SQLSTATES.has(code) || LOST_ERRNOS.has(code))) return true;
  if (LOST_MESSAGES.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== err && isConnectionLoss(err.cause);
}

/** Marks a failure that happened before any statement was sent (opening a connection): the call did nothing. */
export function markNotSent<E>(err: E): E {
  if (err instanceof Error) Object.defineProperty(err, NOT_SENT, { value: true });
  return err;
}

export function wasNotSent(err: unknown): boolean {
  return err instanceof Error && (NOT_SENT in err || /^Client (has encountered a connection error|was closed)/.test(err.message));
}

/**
 * The database could not be reached, or the connection broke under the call. `mayHaveTakenEffect`:
 * the break came while the change was being committed, so it may be stored; otherwise nothing changed.
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly mayHaveTakenEffect: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      mayHaveTakenEffect
        ? 'the connection to the database broke while the change was being committed: it may have taken effect. ' +
            'Read the task again before repeating the call; retry in a few seconds.'
        : 'the database cannot be reached right now; nothing was changed. Retry in a few seconds.',
      options,
    );
  }
}
