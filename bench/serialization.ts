// What the per-project serialization (src/db/project-lock.ts) costs claim+complete on Postgres: the
// same engine cycle with it on and off, in alternating cells of one run (bench/serialization-pairs.ts).
// Run: npm run bench:serialization [-- --size 10000 --workers 16 --cycles 1500 --warmup 200 --pairs 12]
// Postgres: TASKLANE_BENCH_DATABASE_URL, else a database created and dropped on 127.0.0.1:5432.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TaskBoard } from '../src/tasks/board.js';
import { openBenchStore, serverDatabase } from './databases.js';
import { makeGraph } from './graph.js';
import { loadGraph } from './load-graph.js';
import { describeMachine } from './machine.js';
import { dropProject } from './reset-progress.js';
import { measureSerialization, renderSerialization } from './serialization-pairs.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string' }, workers: { type: 'string' }, cycles: { type: 'string' }, warmup: { type: 'string' },
    pairs: { type: 'string' }, out: { type: 'string' },
  },
});
const plan = {
  size: Number(values.size ?? 10_000),
  workers: Number(values.workers ?? 16),
  cycles: Number(values.cycles ?? 1_500),
  warmup: Number(values.warmup ?? 200),
  pairs: Number(values.pairs ?? 12),
};
const out = values.out ?? 'bench/results';

const started = new Date();
const server = await serverDatabase();
const store = await openBenchStore(server.url, plan.workers + 2);
const project = `bench-serialization-${plan.size}`;
try {
  const machine = await describeMachine(server.url, '');
  await loadGraph(new TaskBoard(store.db, { leaseSeconds: 900 }), project, makeGraph(plan.size, 7));
  const result = await measureSerialization(store, project, plan, (line) => process.stderr.write(`${line}\n`));
  const heading = `claim+complete, Postgres ${machine.postgres?.version}, ${plan.size} tasks, ${plan.workers} workers, ${plan.pairs} pairs of ${plan.cycles} cycles`;
  process.stdout.write(renderSerialization(result, heading));
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `serialization-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ started_at: started.toISOString(), machine, ...plan, ...result }, null, 2)}\n`);
  process.stdout.write(`written: ${file}\n`);
  await dropProject(store.db, project);
} finally {
  await store.close();
  await server.drop();
}
