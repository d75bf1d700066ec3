// A/B of database-side variants of the engine's take-and-finish, in one process on one PGlite folder (or
// the Postgres URL given as URL): each variant is SQL run before its blocks and undone after, and the
// variants take turns in blocks of 200 cycles, so that the machine's load falls on all alike.
//   SETUP='["create function …"]' VARIANTS='{"notrig":{"on":["alter table tasks disable trigger tasks_count_move"],"off":["alter table tasks enable trigger tasks_count_move"]}}' npx tsx bench/ab-sql.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore } from '../src/db/open.js';
import { TaskBoard } from '../src/tasks/board.js';

type Variant = { on: string[]; off: string[] };
const BLOCK = 200;
const BLOCKS = Number(process.env.BLOCKS ?? 10);
const variants = JSON.parse(process.env.VARIANTS ?? '{}') as Record<string, Variant>;
const names = ['base', ...Object.keys(variants)];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-ab-sql-'));
const store = await openStore(process.env.URL ?? path.join(dir, 'board'));
const run = async (statements: string[]) => {
  for (const statement of statements) await sql.raw(statement).execute(store.db);
};
try {
  const board = new TaskBoard(store.db, { leaseSeconds: 900 });
  const project = `ab-${Date.now()}`;
  const tasks = Array.from({ length: 300 + BLOCK * BLOCKS * names.length }, (_, i) => ({ id: `T${i}`, description: `task ${i}` }));
  await board.writeTaskList(project, { tasks });
  await run(JSON.parse(process.env.SETUP ?? '[]') as string[]);
  const cycle = async () => {
    const next = await board.nextTask(project, { agent: 'a' });
    await board.markTaskStatus(project, { task_id: next.task!.id, status: 'completed', agent: 'a' });
  };
  for (let i = 0; i < 300; i++) await cycle();
  const totals = Object.fromEntries(names.map((n) => [n, 0]));
  for (let b = 0; b < BLOCKS; b++) {
    for (const name of names) {
      await run(variants[name]?.on ?? []);
      const start = performance.now();
      for (let i = 0; i < BLOCK; i++) await cycle();
      totals[name] += performance.now() - start;
      await run(variants[name]?.off ?? []);
    }
  }
  for (const name of names) console.log(`${name.padEnd(12)} ${(totals[name] / (BLOCK * BLOCKS)).toFixed(3)} ms a cycle, ${(totals[name] / totals.base).toFixed(3)}× base`);
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
