// Claim latency with and without lessons attached, 10,000 lessons on PGlite.
// Run: npm run bench:lessons  (LESSONS=10000 CLAIMS=400 to change the sizes)
import { sql } from 'kysely';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore } from '../src/db/open.js';
import { TaskBoard } from '../src/tasks/board.js';
import { CORPUS } from '../test/fixtures/lessons-corpus.js';

const LESSONS = Number(process.env.LESSONS ?? 10_000);
const CLAIMS = Number(process.env.CLAIMS ?? 400);
const project = 'bench';

const TOPICS = ['migration', 'flaky test', 'auth token', 'deployment', 'cache', 'payment retry', 'webhook', 'pagination', 'CSV export', 'search index', 'connection pool', 'feature flag'];
const AREAS = ['billing', 'accounts', 'orders', 'reports', 'notifications', 'search', 'admin', 'api'];

const store = await openStore('memory://');
await migrateToLatest(store.db);
await store.db.insertInto('projects').values({ id: project, name: project }).execute();
for (let start = 0; start < LESSONS; start += 500) {
  const rows = Array.from({ length: Math.min(500, LESSONS - start) }, (_, k) => {
    const i = start + k;
    const base = CORPUS[i % CORPUS.length];
    return {
      project_id: i % 10 === 0 ? null : project,
      task_id: null,
      title: `${base.title} (${AREAS[i % AREAS.length]} #${i})`,
      body: `${base.lesson} Seen in the ${AREAS[(i * 7) % AREAS.length]} service while working on ${TOPICS[i % TOPICS.length]}.`,
      tags: base.tags,
      created_by: 'bench',
    };
  });
  await store.db.insertInto('lessons').values(rows).execute();
}

const tasks = Array.from({ length: 3 * CLAIMS }, (_, i) => ({
  id: `T${i}`,
  title: `Fix the ${TOPICS[i % TOPICS.length]} problem in ${AREAS[i % AREAS.length]}`,
  description: `The ${AREAS[i % AREAS.length]} module has a ${TOPICS[(i * 5) % TOPICS.length]} issue: reproduce it, write a test, fix it and document the change for the next release.`,
  module: AREAS[i % AREAS.length],
}));
await new TaskBoard(store.db, { leaseSeconds: 900 }).writeTaskList(project, { tasks });
// Statistics for the planner, as the reaper's tick gives them on PGlite within seconds of a load.
await sql`analyze`.execute(store.db);

async function measure(attachLessons: boolean) {
  const board = new TaskBoard(store.db, { leaseSeconds: 900, attachLessons });
  const times: number[] = [];
  let attached = 0;
  for (let i = 0; i < CLAIMS; i++) {
    const t0 = performance.now();
    const r = await board.nextTask(project, { agent: 'bench' });
    times.push(performance.now() - t0);
    attached += r.lessons?.length ?? 0;
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2);
  return { p50: pct(50), p99: pct(99), mean: (times.reduce((a, b) => a + b, 0) / times.length).toFixed(2), lessonsPerClaim: (attached / CLAIMS).toFixed(2) };
}

// Warm up first (one run of claims), then measure each way on fresh tasks.
await measure(false);
const without = await measure(false);
const withLessons = await measure(true);
console.log(JSON.stringify({ engine: 'pglite', lessons: LESSONS, claims: CLAIMS, without_lessons_ms: without, with_lessons_ms: withLessons }, null, 2));
await store.close();
