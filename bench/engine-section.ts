import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TaskBoard } from '../src/tasks/board.js';
import { runRound } from './cycle-runner.js';
import { openBenchStore } from './databases.js';
import { engineCycle } from './engine-cycles.js';
import { makeGraph } from './graph.js';
import { loadGraph } from './load-graph.js';
import type { BenchEngine, BenchOptions } from './options.js';
import { pgbenchRound } from './pgbench-run.js';
import { dropProject, resetProgress } from './reset-progress.js';
import type { BenchResults } from './results.js';
import { measureInRounds } from './rounds.js';
import { round } from './stats.js';

const log = (s: string) => process.stderr.write(`${s}\n`);

/** For one graph size on one engine: load, the engine cells at each worker count, then (server) pgbench at each client count. */
export async function benchSize(results: BenchResults, options: BenchOptions, engine: BenchEngine, size: number, serverUrl?: string) {
  // PGlite runs on a data folder, as the embedded default does.
  const folder = engine === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-bench-')) : undefined;
  const url = folder ?? serverUrl!;
  const store = await openBenchStore(url, Math.max(...options.workers) + 2);
  const project = `bench-${size}`;
  try {
    const board = new TaskBoard(store.db, { leaseSeconds: 900 });
    const seconds = await loadGraph(board, project, makeGraph(size, options.seed));
    results.loads.push({ engine, size, seconds: round(seconds, 1), tasks_per_s: round(size / seconds, 0) });
    log(`${engine} ${size}: loaded in ${seconds.toFixed(1)} s`);
    const plan = { cycles: options.cycles, warmup: options.warmup, graphSize: size };
    const reset = () => resetProgress(store.db, store.engine, project);
    if (options.sections.includes('engine')) {
      for (const workers of options.workers) {
        const cell = await measureInRounds(reset, (w, m) => runRound(engineCycle(store, project), workers, w, m), plan);
        results.engine.push({ engine, size, workers, ...cell });
        log(`${engine} ${size} engine ×${workers}: ${cell.cycles_per_s}/s p50 ${cell.latency.p50_ms} ms p99 ${cell.latency.p99_ms} ms`);
      }
    }
    if (engine === 'postgres' && options.sections.includes('pgbench')) {
      for (const clients of options.workers) {
        const cell = await measureInRounds(reset, (w, m) => pgbenchRound(url, project, clients, w, m), plan);
        results.pgbench.push({ engine: 'pgbench', size, workers: clients, ...cell });
        log(`pgbench ${size} ×${clients}: ${cell.cycles_per_s}/s p50 ${cell.latency.p50_ms} ms p99 ${cell.latency.p99_ms} ms`);
      }
    }
    if (engine === 'postgres') await dropProject(store.db, project);
  } finally {
    await store.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  }
}
