import type { Logger } from '../log.js';
import { PRUNE_BATCH, type TaskBoard } from './board.js';

export type Reaper = {
  /** Reaps now (after a reconnect, say) unless a run is under way. */
  runNow(): void;
  stop(): Promise<void>;
};

/**
 * Runs in every server process; skip locked makes concurrent reapers in several replicas safe. It
 * runs at start too: after a restart, leases that expired while the server was down go back at once,
 * not one interval later. On PGlite the same tick does autovacuum's and the checkpointer's work.
 */
export function startReaper(board: TaskBoard, log: Logger, intervalMs: number): Reaper {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running ??= (async () => {
      try {
        for (;;) {
          const expired = await board.reapExpiredLeases();
          for (const t of expired) log.info({ project: t.project_id, task: t.id, agent: t.agent, to: t.status }, 'lease expired');
          if (expired.length < 200) break;
        }
        let pruned = 0;
        for (let n = PRUNE_BATCH; n >= PRUNE_BATCH; pruned += n) n = await board.pruneEvents();
        if (pruned) log.info({ events: pruned }, 'old events deleted (TASKLANE_EVENT_RETENTION_DAYS)');
        if (board.options.autovacuum) {
          const tidied = await board.tidyTables();
          if (tidied.length) log.debug({ tables: tidied }, 'vacuumed and analyzed');
          if (await board.checkpointIfDue()) log.debug('checkpoint made (WAL since the last passed its bound)');
        }
      } catch (err) {
        log.warn({ err }, 'lease reaper failed; will retry');
      } finally {
        running = undefined;
      }
    })();
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    runNow: tick,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
