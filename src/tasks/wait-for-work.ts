import type { ChangeFeed, TaskChange } from './change-feed.js';

/** get_next_task's longest wait (seconds). A client's own call timeout may be shorter (the MCP SDK's is 60 s). */
export const MAX_WAIT_SECONDS = 300;

/** A change of these kinds never makes a task ready: it does not wake a waiting worker. */
const QUIET_KINDS = new Set(['claimed', 'heartbeat', 'note']);

/**
 * A safety net under the change feed: a notice lost while a LISTEN connection reconnects costs a
 * waiting worker at most this long.
 */
const RECHECK_MS = 5_000;

export type WaitOptions = { seconds: number; signal?: AbortSignal; recheckMs?: number };

/**
 * Runs `look` until it says `done`, again after each change to the project (in-process events; on
 * Postgres also other replicas' changes via LISTEN/NOTIFY, which the feed starts with its first
 * subscriber), until the deadline or the signal. Nothing is held between looks: no transaction, no
 * pooled connection. Subscribes before the first look, so a change committed meanwhile is not missed.
 */
export async function untilDone<T>(feed: ChangeFeed, project: string, options: WaitOptions, look: () => Promise<{ done: boolean; value: T }>): Promise<T> {
  const deadline = Date.now() + options.seconds * 1000;
  const { signal } = options;
  let changed = false;
  let wake = () => {};
  const unsubscribe = feed.subscribe((change: TaskChange) => {
    if (change.project !== project || QUIET_KINDS.has(change.kind)) return;
    changed = true;
    wake();
  });
  try {
    await feed.listening();
    for (;;) {
      changed = false;
      const outcome = await look();
      if (outcome.done || signal?.aborted || Date.now() >= deadline) return outcome.value;
      if (!changed) await sleep(Math.min(deadline - Date.now(), options.recheckMs ?? RECHECK_MS), signal, (w) => (wake = w));
      if (signal?.aborted) return outcome.value;
    }
  } finally {
    unsubscribe();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, setWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      setWake(() => {});
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    setWake(done);
  });
}
