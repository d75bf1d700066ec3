import { randomBytes } from 'node:crypto';
import { databaseFailure } from '../db/sqlstate.js';
import type { Logger } from '../log.js';
import { asDomainError, type ErrorCode } from './errors.js';

/** What a client is told about a failure: a documented code and a message, never database text or a stack. */
export type ClientError = { code: ErrorCode | 'internal_error'; message: string; ref?: string };

/** The answer's text: `code: message`, or `internal_error (ref 1a2b3c4d): …`. */
export const clientErrorText = (e: ClientError) => (e.ref ? `${e.code} (ref ${e.ref}): ${e.message}` : `${e.code}: ${e.message}`);

/**
 * The one place a failure becomes what a client sees: a domain error as it is; a database error by
 * its SQLSTATE; anything else logged with a reference id that the answer carries.
 */
export function toClientError(err: unknown, log: Logger, context: Record<string, unknown>): ClientError {
  const domain = asDomainError(err);
  if (domain) return { code: domain.code, message: domain.message };
  const failure = databaseFailure(err);
  if (failure === 'conflict' || failure === 'retry') {
    log.warn({ ...context, err }, 'call lost a race and was undone');
    return { code: 'conflict', message: 'another call changed the same tasks at the same moment; nothing was changed: read the board again and retry' };
  }
  if (failure === 'unavailable') {
    log.warn({ ...context, err }, 'database unavailable');
    return { code: 'unavailable', message: 'the database cannot be reached right now; nothing was changed: retry in a few seconds' };
  }
  const ref = randomBytes(4).toString('hex');
  if (failure === 'bad_value') {
    // The edge checks (src/tasks/input-rules.ts) should refuse every value before the database does.
    log.error({ ...context, err, ref, defect: 'unchecked input' }, 'the database refused a value that passed the input checks');
    return { code: 'invalid_input', message: `a value was refused by the database (ref ${ref}); see the input limits in the README` };
  }
  log.error({ ...context, err, ref }, 'call failed');
  return { code: 'internal_error', message: 'the call failed inside tasklane and changed nothing; try again, and report the ref if it repeats', ref };
}
