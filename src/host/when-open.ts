import { DomainError } from '../tasks/errors.js';

/**
 * Stands in for an object whose database is still opening: each method call waits for the real one,
 * so an MCP session can be served (initialize, tools/list) before the board is open. Only for objects
 * used through async methods (the task board, the lessons). `needed` is told at each call (the database
 * may not have begun to open yet).
 */
export function whenOpen<T extends object>(opening: Promise<T>, needed: () => void = () => {}): T {
  const ready = opening.catch((err: Error) => {
    throw new DomainError('unavailable', `the board could not be opened (${err.message}); the board host stops; the next call starts a new one`);
  });
  ready.catch(() => {}); // reported to each call, not as an unhandled rejection
  return new Proxy({} as T, {
    get: (_target, name) => {
      if (name === 'then' || typeof name === 'symbol') return undefined; // not a promise, whatever awaits it
      return async (...args: unknown[]) => {
        needed();
        const real = (await ready) as Record<string, (...a: unknown[]) => unknown>;
        return real[name].apply(real, args);
      };
    },
  });
}
