import type { BenchResults, Cell } from './results.js';
import { round } from './stats.js';

const rate = (cells: Cell[], match: Partial<Cell>) =>
  cells.find((c) => Object.entries(match).every(([k, v]) => c[k as keyof Cell] === v))?.cycles_per_s;
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? round(a / b, 2) : null);

/** The figures the targets are judged by, all taken from this one run. */
export function computeRatios(r: BenchResults): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const top = Math.max(...r.options.workers);
  const [small, large] = [Math.min(...r.options.sizes), Math.max(...r.options.sizes)];
  for (const size of r.options.sizes) {
    out[`engine_vs_pgbench_${size}_x${top}`] = ratio(rate(r.engine, { engine: 'postgres', size, workers: top }), rate(r.pgbench, { size, workers: top }));
    out[`pglite_cycles_per_s_${size}_x1`] = rate(r.engine, { engine: 'pglite', size, workers: 1 }) ?? null;
  }
  if (large !== small) {
    for (const engine of r.options.engines) {
      for (const workers of r.options.workers) {
        // > 1 means slower on the large graph; the target is ≤ 1.3.
        out[`${engine}_slowdown_${large}_vs_${small}_x${workers}`] = ratio(
          rate(r.engine, { engine, size: small, workers }), rate(r.engine, { engine, size: large, workers }));
      }
    }
  }
  for (const tm of r.taskmaster) {
    out[`pglite_x1_vs_taskmaster_${tm.size}`] = ratio(rate(r.engine, { engine: 'pglite', size: tm.size, workers: 1 }), tm.cycles_per_s);
    out[`postgres_x${top}_vs_taskmaster_${tm.size}`] = ratio(rate(r.engine, { engine: 'postgres', size: tm.size, workers: top }), tm.cycles_per_s);
  }
  const http16 = r.mcp.find((m) => m.transport === 'http' && m.workers === top);
  out[`mcp_http_x${top}_vs_pgbench`] = http16 ? ratio(http16.cycles_per_s, rate(r.pgbench, { size: small, workers: top })) : null;
  return out;
}

export function renderTable(r: BenchResults): string {
  const rows: string[][] = [['what', 'engine', 'tasks', 'workers', 'cycles/s', 'p50 ms', 'p99 ms', 'cycles']];
  const add = (what: string, c: Cell, engine: string = c.engine) =>
    rows.push([what, engine, String(c.size), String(c.workers), String(c.cycles_per_s), String(c.latency.p50_ms), String(c.latency.p99_ms), String(c.cycles)]);
  for (const c of r.engine) add('engine', c);
  for (const c of r.pgbench) add('pgbench ceiling', c, 'postgres');
  for (const c of r.mcp) add(`mcp ${c.transport}`, c);
  for (const c of r.taskmaster) add('json file', c, c.implementation.startsWith('task-master-ai') ? 'taskmaster' : 're-implementation');
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const m = r.machine;
  return [
    `machine: ${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GB, ${m.os}, node ${m.node}, ` +
      `postgres ${m.postgres?.version ?? 'n/a'} (synchronous_commit ${m.postgres?.synchronous_commit ?? '?'}), pglite ${m.pglite}`,
    '',
    line(rows[0]),
    ...rows.slice(1).map(line),
    '',
    'loads: ' + r.loads.map((l) => `${l.engine} ${l.size} in ${l.seconds} s`).join(', '),
    ...r.mcp.filter((c) => c.cpu_ms_per_cycle).map((c) =>
      `cpu per cycle, mcp ${c.transport} ${c.engine} ×${c.workers}: server ${c.cpu_ms_per_cycle!.server} ms, clients ${c.cpu_ms_per_cycle!.clients} ms`),
    '',
    'ratios:',
    ...Object.entries(r.ratios).map(([k, v]) => `  ${k}: ${v ?? 'n/a'}`),
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
