import { elapsedMs } from './stats.js';

/** One take-and-finish: claim the next task and complete it; false when nothing was ready. */
export type Cycle = (worker: number) => Promise<'done' | 'none_ready' | 'all_done'>;

export type RoundResult = { cycles: number; seconds: number; latenciesMs: number[]; emptyClaims: number };

/**
 * Runs `workers` loops of cycles until warmup + measure cycles were started. Latencies and the clock
 * count only the cycles after the warm-up; `onMeasureStart` runs when the clock starts (to read CPU
 * counters from there).
 */
export async function runRound(
  cycle: Cycle, workers: number, warmup: number, measure: number, onMeasureStart?: () => void,
): Promise<RoundResult> {
  const total = warmup + measure;
  let started = 0;
  let emptyClaims = 0;
  let clock: bigint | undefined;
  let lastEnd = process.hrtime.bigint();
  const latenciesMs: number[] = [];
  const loop = async (worker: number) => {
    while (started < total) {
      const n = started++;
      if (n === warmup && !clock) {
        onMeasureStart?.();
        clock = process.hrtime.bigint();
      }
      const t0 = process.hrtime.bigint();
      const outcome = await cycle(worker);
      if (outcome === 'all_done') return;
      if (outcome === 'none_ready') {
        started--;
        emptyClaims++;
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      if (n >= warmup) {
        latenciesMs.push(elapsedMs(t0));
        lastEnd = process.hrtime.bigint();
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  const seconds = clock ? Number(lastEnd - clock) / 1e9 : 0;
  return { cycles: latenciesMs.length, seconds, latenciesMs, emptyClaims };
}
