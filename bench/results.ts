import type { Latency } from './stats.js';
import type { CellResult } from './rounds.js';
import type { Machine } from './machine.js';
import type { BenchOptions } from './options.js';

export type Cell = CellResult & { engine: string; size: number; workers: number };

export type BenchResults = {
  started_at: string;
  seconds: number;
  machine: Machine;
  options: BenchOptions;
  loads: Array<{ engine: string; size: number; seconds: number; tasks_per_s: number }>;
  engine: Cell[];
  pgbench: Cell[];
  /** cpu_ms_per_cycle (HTTP): what the server process and the bench's clients spent, warm-up included. */
  mcp: Array<Cell & { transport: string; get_next_task?: Latency; cpu_ms_per_cycle?: { server: number; clients: number } }>;
  taskmaster: Array<Cell & { implementation: string }>;
  ratios: Record<string, number | null>;
  notes: string[];
};
