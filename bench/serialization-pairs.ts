import type { Store } from '../src/db/open.js';
import { cpuSeconds } from './cpu-time.js';
import { runRound } from './cycle-runner.js';
import { engineCycle } from './engine-cycles.js';
import { resetProgress } from './reset-progress.js';
import { type CellResult, measureInRounds } from './rounds.js';
import { round } from './stats.js';

export type SerializationPlan = { size: number; workers: number; cycles: number; warmup: number; pairs: number };

/** A cell, with the CPU its rounds used (this process and the database's server backends) per cycle run. */
export type Cell = CellResult & { cpu_ms_per_cycle: number };

export type Side = { cycles_per_s: number; p50_ms: number; p99_ms: number; cpu_ms_per_cycle: number };

export type SerializationResult = {
  with_serialization: Side;
  without_serialization: Side;
  /** All cycles over all seconds, with against without. */
  ratio: number;
  /** Each pair's cells, with against without, and their median. */
  pair_ratios: number[];
  median_pair_ratio: number;
  cpu_ratio: number;
  cells: { on: Cell[]; off: Cell[] };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * claim+complete through the engine with the per-project serialization on and off (BoardOptions
 * `serialize`), in alternating cells of one run (on, off, off, on, …) after an unmeasured pair, so
 * that load from other work on the machine falls on both alike. The project holds the loaded graph.
 */
export async function measureSerialization(store: Store, project: string, plan: SerializationPlan, log: (line: string) => void): Promise<SerializationResult> {
  const reset = () => resetProgress(store.db, store.engine, project);
  const cell = async (serialize: boolean): Promise<Cell> => {
    let cpu = 0;
    let ran = 0;
    const result = await measureInRounds(reset, async (w, m) => {
      const before = await cpuSeconds(store.db);
      const r = await runRound(engineCycle(store, project, { serialize }), plan.workers, w, m);
      const after = await cpuSeconds(store.db);
      cpu += after.node + after.postgres - before.node - before.postgres;
      ran += w + r.cycles;
      return r;
    }, { cycles: plan.cycles, warmup: plan.warmup, graphSize: plan.size });
    return { ...result, cpu_ms_per_cycle: round((cpu * 1000) / ran, 3) };
  };
  const on: Cell[] = [];
  const off: Cell[] = [];
  // Connections, prepared statements and caches warm for both.
  await cell(true);
  await cell(false);
  for (let i = 0; i < plan.pairs; i++) {
    for (const serialize of i % 2 === 0 ? [true, false] : [false, true]) {
      const r = await cell(serialize);
      (serialize ? on : off).push(r);
      log(`pair ${i + 1} ${serialize ? 'on ' : 'off'}: ${r.cycles_per_s}/s p50 ${r.latency.p50_ms} ms p99 ${r.latency.p99_ms} ms, CPU ${r.cpu_ms_per_cycle} ms a cycle`);
    }
  }
  const side = (cells: Cell[]): Side => ({
    cycles_per_s: round(cells.reduce((s, c) => s + c.cycles, 0) / cells.reduce((s, c) => s + c.seconds, 0), 1),
    p50_ms: median(cells.map((c) => c.latency.p50_ms)),
    p99_ms: median(cells.map((c) => c.latency.p99_ms)),
    cpu_ms_per_cycle: median(cells.map((c) => c.cpu_ms_per_cycle)),
  });
  const withIt = side(on);
  const without = side(off);
  const pairRatios = on.map((c, i) => round(c.cycles_per_s / off[i].cycles_per_s, 3));
  return {
    with_serialization: withIt,
    without_serialization: without,
    ratio: round(withIt.cycles_per_s / without.cycles_per_s, 3),
    pair_ratios: pairRatios,
    median_pair_ratio: median(pairRatios),
    cpu_ratio: round(withIt.cpu_ms_per_cycle / without.cpu_ms_per_cycle, 3),
    cells: { on, off },
  };
}

export function renderSerialization(r: SerializationResult, heading: string): string {
  const line = (label: string, s: Side) => `  ${label} ${s.cycles_per_s}/s (p50 ${s.p50_ms} ms, CPU ${s.cpu_ms_per_cycle} ms a cycle)\n`;
  return (
    `${heading}\n${line('with serialization:   ', r.with_serialization)}${line('without serialization:', r.without_serialization)}` +
    `  throughput ratio ${r.ratio} (cost ${round((1 - r.ratio) * 100, 1)} %); per pair ${r.pair_ratios.join(', ')}; median ${r.median_pair_ratio}\n` +
    `  CPU a cycle, ratio ${r.cpu_ratio} (cost ${round((r.cpu_ratio - 1) * 100, 1)} %)\n`
  );
}
