import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/open.js';
import { createLogger } from '../src/log.js';
import { startReaper } from '../src/tasks/reaper.js';
import { newProject, recountMismatches, testBoard } from './helpers/engines.js';
import { connectHttp, startHttpServer } from './helpers/http-client.js';

const url = process.env.TEST_DATABASE_URL;
const TASKS = 2000;
const CLIENTS = 16;

/** Seeded, so that a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

// Three replicas on one Postgres, each with its own pool, engine, lease reaper and HTTP server (in
// this process: they share nothing but the database, as separate processes would).
describe.runIf(url)('three HTTP replicas on one Postgres', () => {
  const replicas: Array<{ store: Store; url: string; close(): Promise<void> }> = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const store = await openStore(url!, { poolMax: 8 });
      const reaper = startReaper(testBoard(store), createLogger('silent'), 200);
      const { server, url: address } = await startHttpServer(store);
      replicas.push({ store, url: address, close: async () => { await server.close(); await reaper.stop(); await store.close(); } });
    }
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
  });

  it('completes 2,000 tasks exactly once with 16 clients, some of which crash mid-task', async () => {
    const random = rng(7);
    const project = newProject('replicas');
    const tasks = Array.from({ length: TASKS }, (_, i) => ({
      id: `T${i}`,
      description: `task ${i}`,
      dependencies: Array.from({ length: Math.min(i, 2) }, () => `T${Math.floor(random() * i)}`).filter((d, k, all) => all.indexOf(d) === k),
    }));
    const writer = await connectHttp(replicas[0].url, { name: 'orchestrator' });
    const written = await writer.call('write_task_list', { project, tasks });
    expect(written.structuredContent).toMatchObject({ created: TASKS });
    await writer.close();
    // A crashed client leaves its task to the reaper; enough attempts that no task fails for good.
    await sql`update projects set settings = settings || '{"max_attempts": 50}' where id = ${project}`.execute(replicas[0].store.db);
    await sql`update tasks set max_attempts = 50 where project_id = ${project}`.execute(replicas[0].store.db);

    let crashes = 0;
    const worker = async (n: number) => {
      let session = await connectHttp(replicas[n % 3].url, { name: `w${n}` });
      try {
        for (;;) {
          const next = await session.call('get_next_task', { project, agent: `w${n}`, lease_seconds: 10 });
          const result = next.structuredContent as { task: { id: string } | null; reason?: string };
          if (!result.task) {
            if (result.reason === 'all_done') return;
            await new Promise((r) => setTimeout(r, 50));
            continue;
          }
          if (random() < 0.01) {
            // Crash: this client goes away holding the task; a new one takes its place.
            crashes++;
            await session.close();
            session = await connectHttp(replicas[(n + crashes) % 3].url, { name: `w${n}-${crashes}` });
            continue;
          }
          const done = await session.call('mark_task_status', { project, task_id: result.task.id, status: 'completed', agent: `w${n}` });
          expect(done.isError, JSON.stringify(done.content)).toBeFalsy();
        }
      } finally {
        await session.close();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => worker(n)));

    const db = replicas[1].store.db;
    const { rows: completions } = await sql<{ task_id: string; n: number }>`
      select task_id, count(*)::int as n from task_events
      where project_id = ${project} and kind = 'status' and to_status = 'completed' group by task_id`.execute(db);
    expect(completions).toHaveLength(TASKS);
    expect(completions.every((c) => c.n === 1)).toBe(true);
    const { rows: mismatched } = await sql<{ id: string }>`
      select t.id from tasks t
      where t.project_id = ${project} and t.attempts <> (
        select count(*) from task_events e where e.project_id = t.project_id and e.task_id = t.id and e.kind = 'claimed')`.execute(db);
    expect(mismatched).toEqual([]);
    const { rows: statuses } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from tasks where project_id = ${project} group by status`.execute(db);
    expect(statuses).toEqual([{ status: 'completed', n: TASKS }]);
    expect(crashes).toBeGreaterThan(0);
    expect(await recountMismatches(replicas[2].store, project)).toEqual([]);
  }, 300_000);
});
