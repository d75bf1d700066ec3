import { parseArgs } from 'node:util';

export type Section = 'engine' | 'pgbench' | 'mcp' | 'taskmaster';
export type BenchEngine = 'postgres' | 'pglite';

export type BenchOptions = {
  sizes: number[];
  workers: number[];
  engines: BenchEngine[];
  sections: Section[];
  cycles: number;
  warmup: number;
  mcpCycles: number;
  taskmasterCycles: number;
  seed: number;
  out: string;
};

const list = (raw: string | undefined, fallback: number[]) => (raw ? raw.split(',').map((s) => Number(s.trim())) : fallback);

export const USAGE = `npm run bench -- [--quick] [--sizes 1000,10000,100000] [--workers 1,4,16] [--engines postgres,pglite]
  [--only engine,pgbench,mcp,taskmaster] [--cycles 2000] [--warmup 200] [--mcp-cycles 1000] [--taskmaster-cycles 100]
  [--seed 7] [--out bench/results]
--quick: 1k tasks only and short cells (a smoke run of every section).
Server Postgres: TASKLANE_BENCH_DATABASE_URL, else a database created and dropped on 127.0.0.1:5432 (user postgres).`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' }, help: { type: 'boolean' },
      sizes: { type: 'string' }, workers: { type: 'string' }, engines: { type: 'string' }, only: { type: 'string' },
      cycles: { type: 'string' }, warmup: { type: 'string' }, 'mcp-cycles': { type: 'string' }, 'taskmaster-cycles': { type: 'string' },
      seed: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = Boolean(values.quick);
  const options: BenchOptions = {
    sizes: list(values.sizes, quick ? [1_000] : [1_000, 10_000, 100_000]),
    workers: list(values.workers, [1, 4, 16]),
    engines: (values.engines?.split(',') ?? ['postgres', 'pglite']) as BenchEngine[],
    sections: (values.only?.split(',') ?? ['engine', 'pgbench', 'mcp', 'taskmaster']) as Section[],
    cycles: Number(values.cycles ?? (quick ? 300 : 2_000)),
    warmup: Number(values.warmup ?? (quick ? 30 : 200)),
    mcpCycles: Number(values['mcp-cycles'] ?? (quick ? 100 : 1_000)),
    taskmasterCycles: Number(values['taskmaster-cycles'] ?? (quick ? 10 : 100)),
    seed: Number(values.seed ?? 7),
    out: values.out ?? 'bench/results',
  };
  const bad = [...options.sizes, ...options.workers, options.cycles, options.warmup, options.mcpCycles, options.taskmasterCycles]
    .some((n) => !Number.isInteger(n) || n < 0);
  if (bad || options.sizes.some((n) => n < 50) || options.workers.some((n) => n < 1)) throw new Error(`bad option value\n${USAGE}`);
  return options;
}
