import type { Logger } from '../log.js';
import type { TaskBoard } from './board.js';

/**
 * Runs in every server process; skip locked makes concurrent reapers in several replicas safe. On
 * PGlite the same tick does autovacuum's work.
 */
export function startReaper(board: TaskBoard, log: Logger, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      try {
        for (;;) {
          const expired = await board.reapExpiredLeases();
          for (const t of expired) log.info({ project: t.project_id, task: t.id, agent: t.agent, to: t.status }, 'lease expired');
          if (expired.length < 200) break;
        }
        if (board.options.autovacuum) {
          const tidied = await board.tidyTables();
          if (tidied.length) log.debug({ tables: tidied }, 'vacuumed and analyzed');
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
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
