import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The credential (token name or OAuth subject) behind the work running now. The HTTP transport sets it
 * around each request it has authenticated; every statement that writes task_events stamps it in the
 * `credential` column, as a database session variable would, so the audit log names who did what
 * without every engine function carrying it. Null over stdio, in the CLI and without auth.
 */
const acting = new AsyncLocalStorage<string>();

export const actingCredential = (): string | null => acting.getStore() ?? null;

export function withCredential<T>(credential: string, work: () => T): T {
  return acting.run(credential, work);
}
