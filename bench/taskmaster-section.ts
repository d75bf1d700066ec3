import { makeGraph } from './graph.js';
import type { BenchOptions } from './options.js';
import type { BenchResults } from './results.js';
import { summarise, round } from './stats.js';
import { loadTaskmaster } from './taskmaster-impl.js';
import { taskmasterRun } from './taskmaster-cycles.js';

const log = (s: string) => process.stderr.write(`${s}\n`);

/** The JSON-file tracker on the same graphs (1k and 10k only: beyond that a file tracker is not a contender). */
export async function benchTaskmaster(results: BenchResults, options: BenchOptions) {
  const impl = await loadTaskmaster();
  for (const size of options.sizes.filter((s) => s <= 10_000)) {
    const warmup = Math.min(5, options.taskmasterCycles);
    const r = await taskmasterRun(impl, makeGraph(size, options.seed), warmup, Math.min(options.taskmasterCycles, Math.floor(size * 0.7) - warmup));
    const cell = {
      implementation: impl.label, engine: 'taskmaster', size, workers: 1, cycles: r.cycles, seconds: round(r.seconds, 3),
      cycles_per_s: round(r.cycles / r.seconds, 1), latency: summarise(r.latenciesMs), rounds: 1, empty_claims: 0,
    };
    results.taskmaster.push(cell);
    log(`taskmaster ${size}: ${cell.cycles_per_s}/s p50 ${cell.latency.p50_ms} ms (${impl.label})`);
  }
}
