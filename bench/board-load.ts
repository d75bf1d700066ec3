// The web board on a 5,000-task project: time until the page has all it needs for its first full
// render (GET /board/api/snapshot), idle and while 8 agents claim and complete tasks.
//   npx tsx bench/board-load.ts                       (embedded PGlite)
//   BENCH_DATABASE_URL=postgres://… npx tsx bench/board-load.ts
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore } from '../src/db/open.js';
import { TaskBoard } from '../src/tasks/board.js';
import { createBoardRouter } from '../src/web/router.js';

const TASKS = 5000;
const url = process.env.BENCH_DATABASE_URL ?? 'memory://';
const store = await openStore(url);
await migrateToLatest(store.db);
const board = new TaskBoard(store.db, { leaseSeconds: 900, notify: store.engine === 'postgres' });
const project = `bench-${Date.now()}`;
const tasks = Array.from({ length: TASKS }, (_, i) => ({
  id: `T${i + 1}`,
  title: `Task ${i + 1} of the bench board`,
  description: `work item ${i + 1}`,
  phase: `Phase ${1 + Math.floor(i / 500)}`,
  module: ['api', 'ui', 'db', 'docs'][i % 4],
  // one in ten depends on the task ten before it
  dependencies: i >= 10 && i % 10 === 0 ? [`T${i - 9}`] : [],
}));
let t = performance.now();
await board.writeTaskList(project, { tasks });
console.log(`engine: ${store.engine}; wrote ${TASKS} tasks in ${Math.round(performance.now() - t)} ms`);
for (let i = 0; i < 1500; i++) {
  const r = await board.nextTask(project, { agent: `seed-${i % 8}` });
  if (!r.task) break;
  if (i < 1400) await board.markTaskStatus(project, { task_id: r.task.id, status: i % 50 === 0 ? 'failed' : 'done', agent: `seed-${i % 8}` });
}

const app = express().use(createBoardRouter({ board, log: pino({ level: 'silent' }), defaultProject: project }));
const server = app.listen(0, '127.0.0.1');
server.keepAliveTimeout = 60_000;
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function snapshotMs() {
  const start = performance.now();
  const res = await fetch(`${base}/board/api/snapshot?project=${project}`);
  const body = (await res.json()) as { tasks: unknown[] };
  if (body.tasks.length !== TASKS) throw new Error(`snapshot had ${body.tasks.length} tasks`);
  return { ms: performance.now() - start, bytes: Number(res.headers.get('content-length') ?? 0) };
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${s[Math.floor(s.length / 2)].toFixed(0)} ms, p95 ${s[Math.floor(s.length * 0.95)].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
};

const first = await snapshotMs();
console.log(`first snapshot: ${first.ms.toFixed(0)} ms, ${(first.bytes / 1024).toFixed(0)} KiB`);
const idle: number[] = [];
for (let i = 0; i < 20; i++) idle.push((await snapshotMs()).ms);
console.log(`snapshot, idle (20 runs): ${stats(idle)}`);

let stop = false;
let cycles = 0;
const agents = Array.from({ length: 8 }, async (_, a) => {
  while (!stop) {
    const r = await board.nextTask(project, { agent: `agent-${a}` });
    if (!r.task) break;
    await board.markTaskStatus(project, { task_id: r.task.id, status: 'done', agent: `agent-${a}` });
    cycles++;
  }
});
const busy: number[] = [];
t = performance.now();
for (let i = 0; i < 20; i++) busy.push((await snapshotMs()).ms);
const seconds = (performance.now() - t) / 1000;
stop = true;
await Promise.all(agents);
console.log(`snapshot, 8 agents working (20 runs): ${stats(busy)}; agents meanwhile ${(cycles / seconds).toFixed(0)} claim+complete/s`);
server.closeAllConnections();
server.close();
await store.close();
