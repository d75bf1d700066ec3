// What the per-project serialization (src/db/project-lock.ts) costs claim+complete on Postgres:
// the same engine cycle with it on and off, in alternating cells (ABAB…) of one run, so that load from
// other work on the machine falls on both alike.
// Run: npm run bench:serialization [-- --size 10000 --workers 16 --cycles 2000 --warmup 200 --pairs 6]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TaskBoard } from '../src/tasks/board.js';
import { runRound } from './cycle-runner.js';
import { openBenchStore, serverDatabase } from './databases.js';
import { engineCycle } from './engine-cycles.js';
import { makeGraph } from './graph.js';
import { loadGraph } from './load-graph.js';
import { cpuSeconds } from './cpu-time.js';
import { describeMachine } from './machine.js';
import { dropProject, resetProgress } from './reset-progress.js';
import { type CellResult, measureInRounds } from './rounds.js';
import { round } from './stats.js';

type Cell = CellResult & { cpu_ms_per_cycle: number };

const { values } = parseArgs({
  options: {
    size: { type: 'string' }, workers: { type: 'string' }, cycles: { type: 'string' }, warmup: { type: 'string' },
    pairs: { type: 'string' }, out: { type: 'string' },
  },
});
const size = Number(values.size ?? 10_000);
const workers = Number(values.workers ?? 16);
const cycles = Number(values.cycles ?? 2_000);
const warmup = Number(values.warmup ?? 200);
const pairs = Number(values.pairs ?? 6);
const out = values.out ?? 'bench/results';

const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const started = new Date();
const server = await serverDatabase();
const store = await openBenchStore(server.url, workers + 2);
const project = `bench-serialization-${size}`;
try {
  const machine = await describeMachine(server.url, '');
  await loadGraph(new TaskBoard(store.db, { leaseSeconds: 900 }), project, makeGraph(size, 7));
  const plan = { cycles, warmup, graphSize: size };
  const reset = () => resetProgress(store.db, store.engine, project);
  /** A cell, with the CPU its rounds used (this process and the database's backends) per cycle run. */
  const cell = async (serialize: boolean): Promise<Cell> => {
    let cpu = 0;
    let ran = 0;
    const result = await measureInRounds(reset, async (w, m) => {
      const before = await cpuSeconds(store.db);
      const r = await runRound(engineCycle(store, project, { serialize }), workers, w, m);
      const after = await cpuSeconds(store.db);
      cpu += after.node + after.postgres - before.node - before.postgres;
      ran += w + r.cycles;
      return r;
    }, plan);
    return { ...result, cpu_ms_per_cycle: round((cpu * 1000) / ran, 3) };
  };
  const on: Cell[] = [];
  const off: Cell[] = [];
  // One unmeasured pair first: connections, prepared statements and caches warm for both.
  await cell(true);
  await cell(false);
  for (let i = 0; i < pairs; i++) {
    // Alternate which goes first, so neither always follows the other's reset.
    for (const serialize of i % 2 === 0 ? [true, false] : [false, true]) {
      const r = await cell(serialize);
      (serialize ? on : off).push(r);
      log(`pair ${i + 1} ${serialize ? 'on ' : 'off'}: ${r.cycles_per_s}/s p50 ${r.latency.p50_ms} ms p99 ${r.latency.p99_ms} ms, CPU ${r.cpu_ms_per_cycle} ms a cycle`);
    }
  }
  const cpu = (cells: Cell[]) => median(cells.map((c) => c.cpu_ms_per_cycle));
  const total = (cells: CellResult[]) => round(cells.reduce((s, c) => s + c.cycles, 0) / cells.reduce((s, c) => s + c.seconds, 0), 1);
  const pairRatios = on.map((c, i) => round(c.cycles_per_s / off[i].cycles_per_s, 3));
  const summary = {
    started_at: started.toISOString(), machine, size, workers, cycles, warmup, pairs,
    with_serialization: { cycles_per_s: total(on), p50_ms: median(on.map((c) => c.latency.p50_ms)), p99_ms: median(on.map((c) => c.latency.p99_ms)), cpu_ms_per_cycle: cpu(on) },
    without_serialization: { cycles_per_s: total(off), p50_ms: median(off.map((c) => c.latency.p50_ms)), p99_ms: median(off.map((c) => c.latency.p99_ms)), cpu_ms_per_cycle: cpu(off) },
    ratio: round(total(on) / total(off), 3),
    pair_ratios: pairRatios,
    median_pair_ratio: median(pairRatios),
    cpu_ratio: round(cpu(on) / cpu(off), 3),
    cells: { on, off },
  };
  process.stdout.write(
    `claim+complete, Postgres ${machine.postgres?.version}, ${size} tasks, ${workers} workers, ${pairs} pairs of ${cycles} cycles\n` +
      `  with serialization:    ${summary.with_serialization.cycles_per_s}/s (p50 ${summary.with_serialization.p50_ms} ms, CPU ${summary.with_serialization.cpu_ms_per_cycle} ms a cycle)\n` +
      `  without serialization: ${summary.without_serialization.cycles_per_s}/s (p50 ${summary.without_serialization.p50_ms} ms, CPU ${summary.without_serialization.cpu_ms_per_cycle} ms a cycle)\n` +
      `  throughput ratio ${summary.ratio} (cost ${round((1 - summary.ratio) * 100, 1)} %); per pair ${pairRatios.join(', ')}; median ${summary.median_pair_ratio}\n` +
      `  CPU a cycle, ratio ${summary.cpu_ratio} (cost ${round((summary.cpu_ratio - 1) * 100, 1)} %)\n`,
  );
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `serialization-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`written: ${file}\n`);
  await dropProject(store.db, project);
} finally {
  await store.close();
  await server.drop();
}
