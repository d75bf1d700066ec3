const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type Lifetime = {
  /** Stops the process's work once, whoever asks first (a signal, the end of input, idleness). */
  stop(why: string): Promise<void>;
  /** Settles when the work has stopped. */
  readonly stopped: Promise<void>;
};

/**
 * The one shutdown wiring of every long-lived tasklane process (stdio server, HTTP server, board host,
 * relay): SIGINT, SIGTERM and SIGHUP, and any other trigger the caller hands `stop`, run `shutdown` once.
 */
export function untilStopped(shutdown: (why: string) => Promise<void>): Lifetime {
  let resolve!: () => void;
  const stopped = new Promise<void>((r) => (resolve = r));
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  const stop = (why: string) => {
    stopping ??= (async () => {
      for (const s of SIGNALS) process.off(s, onSignal);
      try {
        await shutdown(why);
      } finally {
        resolve();
      }
    })();
    return stopping;
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return { stop, stopped };
}
