import { DatabaseUnavailableError } from '../db/connection-loss.js';

export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'invalid_transition'
  | 'dependency_cycle'
  | 'conflict'
  | 'lease_lost'
  /** The credential's role or projects do not cover the call (src/auth/access.ts). */
  | 'forbidden'
  /** The database could not be reached or the connection broke; the message says whether the call may have taken effect. */
  | 'unavailable';

/** A failure the caller can fix: a code, and a message naming the field and the fix. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/** A failure as a caller sees it: a DomainError as it is, a lost database connection as `unavailable`; undefined for anything else. */
export function asDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (err instanceof DatabaseUnavailableError) return new DomainError('unavailable', err.message);
  return undefined;
}

export const invalid = (field: string, problem: string) => new DomainError('invalid_input', `${field}: ${problem}`);

export function taskNotFound(taskId: string, project: string) {
  return new DomainError(
    'not_found',
    `task_id: no task "${taskId}" in project "${project}". read_task_breakdown lists the ids; pass project if the task lives in another project.`,
  );
}
