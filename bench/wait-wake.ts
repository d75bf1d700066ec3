// How soon a worker waiting in get_next_task (wait_seconds) holds the task that a completion made ready:
//   npx tsx bench/wait-wake.ts [DATABASE_URL] [label] [same|cross]
// memory:// (PGlite) by default; with a postgres:// URL, `cross` puts the waiter on a second replica (LISTEN/NOTIFY).
import { openStore } from '../src/db/open.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { TaskBoard } from '../src/tasks/board.js';
const url = process.argv[2] ?? 'memory://';
const pct = (a: number[], p: number) => a.slice().sort((x, y) => x - y)[Math.floor((a.length - 1) * p)];
async function run(label: string, cross: boolean) {
  const s1 = await openStore(url, { poolMax: 4 }); await migrateToLatest(s1.db);
  const s2 = cross ? await openStore(url, { poolMax: 4 }) : s1;
  const mk = (s: typeof s1) => { const b = new TaskBoard(s.db, { leaseSeconds: 900, notify: s.engine === 'postgres', waitRecheckMs: 600000 }); if (s.listenForChanges) b.changes.setRemoteSource((p) => s.listenForChanges!(p, () => {})); return b; };
  const a = mk(s1); const b = cross ? mk(s2) : a;
  const lat: number[] = [];
  for (let i = 0; i < 30; i++) {
    const project = `wake-${label}-${Date.now()}-${i}`;
    await a.writeTaskList(project, { tasks: [{ id: 'T1', description: 'a' }, { id: 'T2', description: 'b', dependencies: ['T1'] }] });
    await a.nextTask(project, { agent: 'x' });
    const w = b.nextTask(project, { agent: 'y', wait_seconds: 30 });
    await new Promise((r) => setTimeout(r, 100));
    await a.markTaskStatus(project, { task_id: 'T1', status: 'completed', result: 'ok', agent: 'x' });
    const t0 = performance.now();
    const r = await w;
    lat.push(performance.now() - t0);
    if (r.task?.id !== 'T2') throw new Error('no T2');
  }
  console.log(`${label}: completion committed → waiter has T2: p50 ${pct(lat, 0.5).toFixed(1)} ms, p95 ${pct(lat, 0.95).toFixed(1)} ms (30 runs)`);
  await a.changes.close(); if (cross) await b.changes.close();
  await s1.close(); if (cross) await s2.close();
}
await run(process.argv[3] ?? url.split(':')[0], process.argv[4] === 'cross');
