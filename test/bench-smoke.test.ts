import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRound } from '../bench/cycle-runner.js';
import { benchSize } from '../bench/engine-section.js';
import { engineCycle } from '../bench/engine-cycles.js';
import { makeGraph } from '../bench/graph.js';
import { loadGraph } from '../bench/load-graph.js';
import type { BenchOptions } from '../bench/options.js';
import { computeRatios, renderTable } from '../bench/report.js';
import { claimCounts } from '../bench/reset-progress.js';
import type { BenchResults } from '../bench/results.js';
import { measureSerialization, renderSerialization } from '../bench/serialization-pairs.js';
import type { Store } from '../src/db/open.js';
import { newProject, openTestStore, recountMismatches, testBoard } from './helpers/engines.js';

// A smoke run of the benchmark's own machinery on PGlite (no timings are asserted).
describe('bench smoke (pglite)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(() => store.close());

  it('four workers drain an 80-task graph: every task claimed and completed exactly once', async () => {
    const project = newProject('bench');
    const graph = makeGraph(80, 3);
    expect(graph.filter((t) => t.dependencies.length > 0).length).toBeGreaterThan(40);
    await loadGraph(testBoard(store), project, graph, 30);
    const round = await runRound(engineCycle(store, project), 4, 0, 80);
    expect(round.cycles).toBe(80);
    expect(await claimCounts(store.db, project)).toEqual({ claimed: 80, completed: 80, claimed_twice: 0, completed_twice: 0 });
    expect(await recountMismatches(store, project)).toEqual([]);
  });

  it('measures claim+complete with the serialization on and off in alternating cells', async () => {
    const project = newProject('bench-ser');
    await loadGraph(testBoard(store), project, makeGraph(60, 5), 30);
    const lines: string[] = [];
    const r = await measureSerialization(store, project, { size: 60, workers: 2, cycles: 20, warmup: 2, pairs: 2 }, (l) => lines.push(l));
    expect([r.cells.on.length, r.cells.off.length]).toEqual([2, 2]);
    expect(lines.map((l) => l.split(':')[0])).toEqual(['pair 1 on ', 'pair 1 off', 'pair 2 off', 'pair 2 on ']);
    expect(r.cells.on.every((c) => c.cycles === 20)).toBe(true);
    expect(r.ratio).toBeGreaterThan(0);
    expect(renderSerialization(r, 'smoke')).toMatch(/throughput ratio/);
    expect(await recountMismatches(store, project)).toEqual([]);
  });

  it('measures a cell in rounds and reports it as the JSON the bench writes', async () => {
    const options: BenchOptions = {
      sizes: [60], workers: [1, 2], engines: ['pglite'], sections: ['engine'], cycles: 60, warmup: 4,
      mcpCycles: 0, taskmasterCycles: 0, seed: 7, out: '',
    };
    const results = { options, loads: [], engine: [], pgbench: [], mcp: [], taskmaster: [], notes: [] } as unknown as BenchResults;
    results.machine = { cpus: 1, cpu_model: 'x', memory_gb: 1, os: 'x', node: 'x', pglite: 'x' };
    await benchSize(results, options, 'pglite', 60);
    expect(results.engine.map((c) => [c.workers, c.cycles, c.rounds])).toEqual([[1, 60, 2], [2, 60, 2]]);
    expect(results.engine[0].latency.p99_ms).toBeGreaterThanOrEqual(results.engine[0].latency.p50_ms);
    results.ratios = computeRatios(results);
    expect(results.ratios.pglite_cycles_per_s_60_x1).toBe(results.engine[0].cycles_per_s);
    expect(renderTable(results)).toMatch(/engine\s+pglite\s+60\s+2\s/);
  });
});
