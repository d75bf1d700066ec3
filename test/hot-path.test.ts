import { CompiledQuery, Kysely, sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/db/open.js';
import type { Database } from '../src/db/schema.js';
import type { TaskChange } from '../src/tasks/change-feed.js';
import { TaskBoard } from '../src/tasks/board.js';
import type { DomainError } from '../src/tasks/errors.js';
import { startReaper } from '../src/tasks/reaper.js';
import { engines, newProject, openOwnStore, openTestStore, recountMismatches, useTestBoard } from './helpers/engines.js';

// The claim and the holder's report each run as one statement (src/db/claim-next-task.ts,
// src/db/finish-held-task.ts); these tests pin what they must keep doing exactly like the general path.

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: DomainError) => `${e.code}: ${e.message}`);

describe.each(engines)('claim and report statements on %s', (engine) => {
  const ctx = useTestBoard(engine);
  const eventsOf = async (project: string) =>
    (await sql<{ task_id: string; kind: string; actor: string; from_status: string; to_status: string; note: string | null; data: unknown }>`
      select task_id, kind, actor, from_status, to_status, note, data from task_events where project_id = ${project} order by id`.execute(ctx.store.db)).rows;

  it('claims with the project lease, its links and its event; reports with tokens, result, newly ready tasks and one event', async () => {
    const p = newProject('hot');
    await ctx.board.setProjectSettings(p, { lease_seconds: 120 });
    await ctx.board.writeTaskList(p, {
      tasks: [
        { id: 'A', description: 'a' },
        { id: 'B', description: 'b', dependencies: ['A'] },
        { id: 'C', description: 'c', dependencies: ['A'] },
        { id: 'D', description: 'd', dependencies: ['A', 'B'] },
      ],
    });
    const claim = await ctx.board.nextTask(p, { agent: 'w1' });
    expect(claim.task).toMatchObject({ id: 'A', status: 'in_progress', assignee: 'w1', attempts: 1, dependencies: [], blocks: ['B', 'C', 'D'] });
    const leaseLeft = Date.parse(claim.task!.lease_expires_at!) - Date.now();
    expect(leaseLeft).toBeGreaterThan(100_000);
    expect(leaseLeft).toBeLessThan(125_000);

    const done = await ctx.board.markTaskStatus(p, { task_id: 'A', status: 'done', agent: 'w1', result: 'shipped', used_tokens: 1234, notes: ' all green ' });
    expect(done).toMatchObject({ changed: true, from_status: 'in_progress', newly_ready: ['B', 'C'], message: 'A: in_progress → completed; now ready: B, C' });
    expect(done.task).toMatchObject({ id: 'A', status: 'completed', result: 'shipped', used_tokens: 1234, blocks: ['B', 'C', 'D'] });
    expect(done.task.lease_expires_at).toBeUndefined();
    expect(done.task.completed_at).toBeDefined();
    expect((await eventsOf(p)).filter((e) => e.kind !== 'created')).toEqual([
      { task_id: 'A', kind: 'claimed', actor: 'w1', from_status: 'pending', to_status: 'in_progress', note: null, data: { lease_seconds: 120, attempt: 1 } },
      { task_id: 'A', kind: 'status', actor: 'w1', from_status: 'in_progress', to_status: 'completed', note: 'all green', data: { result: 'shipped' } },
    ]);
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
    // review keeps the holder as assignee and frees the lease; failed sets completed_at.
    const b = await ctx.board.nextTask(p, { agent: 'w2' });
    const review = await ctx.board.markTaskStatus(p, { task_id: b.task!.id, status: 'review', agent: 'w2' });
    expect(review.task).toMatchObject({ status: 'review', assignee: 'w2' });
    expect(review.newly_ready).toEqual([]);
  });

  it('refuses a holder report at a stale expected_version, or that would skip an unmet dependency, and changes nothing', async () => {
    const p = newProject('hotv');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b', dependencies: ['A'] }] });
    const claim = await ctx.board.nextTask(p, { agent: 'w1' });
    const version = claim.task!.version!;
    expect(await codeOf(ctx.board.markTaskStatus(p, { task_id: 'A', status: 'completed', agent: 'w1', expected_version: version - 1 }))).toMatch(
      /^conflict: expected_version: A is at version/,
    );
    expect(await codeOf(ctx.board.markTaskStatus(p, { task_id: 'A', status: 'completed', agent: 'w1', expected_version: version }))).toBe('ok');
    // B taken by force while A is reopened: completing it must name its unmet dependency.
    await ctx.board.markTaskStatus(p, { task_id: 'A', status: 'pending', force: true });
    await ctx.board.markTaskStatus(p, { task_id: 'B', status: 'in_progress', agent: 'w2', force: true });
    expect(await codeOf(ctx.board.markTaskStatus(p, { task_id: 'B', status: 'completed', agent: 'w2' }))).toMatch(/^invalid_transition: status: B cannot move to completed while 1 of its dependencies \(A\)/);
    expect(claim.task!.id).toBe('A');
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
  });

  it('lets exactly one of two racing reports by the same holder through', async () => {
    const p = newProject('hotr');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b', dependencies: ['A'] }] });
    await ctx.board.nextTask(p, { agent: 'w1' });
    const results = await Promise.all([
      ctx.board.markTaskStatus(p, { task_id: 'A', status: 'completed', agent: 'w1' }),
      ctx.board.markTaskStatus(p, { task_id: 'A', status: 'completed', agent: 'w1' }),
    ]);
    expect(results.map((r) => r.changed).sort()).toEqual([false, true]);
    expect((await eventsOf(p)).filter((e) => e.kind === 'status')).toHaveLength(1);
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
  });
});

describe.runIf(engines.includes('postgres'))('Postgres: notices and prepared statements', () => {
  const ctx = useTestBoard('postgres');

  it('announces claims and reports to other replicas with their task ids, and a huge fan-out as a reload', async () => {
    const other = await openStore(process.env.TEST_DATABASE_URL!);
    const replica = new TaskBoard(other.db, { leaseSeconds: 900, notify: true });
    const writer = new TaskBoard(ctx.store.db, { leaseSeconds: 900, notify: true });
    replica.changes.setRemoteSource((onPayload) => other.listenForChanges!(onPayload, () => {}));
    const p = newProject('notice');
    const seen: TaskChange[] = [];
    replica.changes.subscribe((c) => {
      if (c.project === p) seen.push(c);
    });
    await replica.changes.listening();
    const fanOut = Array.from({ length: 150 }, (_, i) => ({ id: `F${i}`, description: 'f', dependencies: ['B'] }));
    await writer.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b', dependencies: ['A'] }, ...fanOut] });
    await writer.nextTask(p, { agent: 'w1' });
    await writer.markTaskStatus(p, { task_id: 'A', status: 'completed', agent: 'w1' });
    await writer.nextTask(p, { agent: 'w1' });
    const big = await writer.markTaskStatus(p, { task_id: 'B', status: 'completed', agent: 'w1' });
    expect(big.newly_ready).toHaveLength(150);
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(5);
    expect(seen).toEqual([
      { project: p, task_ids: [], kind: 'written' },
      { project: p, task_ids: ['A'], kind: 'claimed' },
      { project: p, task_ids: ['A', 'B'], kind: 'status' },
      { project: p, task_ids: ['B'], kind: 'claimed' },
      { project: p, task_ids: [], kind: 'status' },
    ]);
    await replica.changes.close();
    await other.close();
  });

  it('plans each statement once per connection, and gets over a table changed under it, in a transaction too', async () => {
    // A database of its own: the column added below changes `select *` under every statement that reads tasks.
    const store = await openOwnStore('postgres', { poolMax: 1 });
    try {
      const board = new TaskBoard(store.db, { leaseSeconds: 900 });
      const p = newProject('prep');
      await board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b' }] });
      await board.nextTask(p, { agent: 'w1' });
      await board.updateTask(p, { task_id: 'B', priority: 2 });
      const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(store.db);
      expect(prepared.rows.some((r) => r.name.startsWith('tl_') && r.statement.includes('claimed as ('))).toBe(true);
      // A migration elsewhere adds a column: `returning *` and `select *` change shape under the prepared
      // claim (a statement of its own) and under the edit's read of its task (inside its transaction).
      await sql`alter table tasks add column hot_path_probe int`.execute(store.db);
      const next = await board.nextTask(p, { agent: 'w1' });
      expect(next.task).toMatchObject({ id: 'B', assignee: 'w1' });
      const edited = await board.updateTask(p, { task_id: 'A', priority: 1 });
      expect(edited).toMatchObject({ changed: ['priority'], task: { priority: 1 } });
    } finally {
      await store.close();
    }
  });
});

describe.runIf(engines.includes('postgres'))('Postgres: TASKLANE_PG_PREPARED', () => {
  // One connection in the pool, so that pg_prepared_statements (per session) sees every statement the app ran.
  it.each([
    ['on', true],
    ['off', false],
  ])('%s: the app runs its statements as named prepared statements: %s', async (setting, named) => {
    const env = { TASKLANE_DATABASE_URL: process.env.TEST_DATABASE_URL, TASKLANE_PG_PREPARED: setting, TASKLANE_PG_POOL_MAX: '1', TASKLANE_PROJECT: 'prepared' };
    const app = await startApp(loadConfig(env), pino({ level: 'silent' }));
    try {
      const p = newProject('prepared');
      await app.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }] });
      await app.board.nextTask(p, { agent: 'w1' });
      await app.board.markTaskStatus(p, { task_id: 'A', status: 'completed', agent: 'w1' });
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where name like 'tl_%'`.execute(app.store.db);
      expect(rows[0].n > 0).toBe(named);
    } finally {
      await app.close();
    }
  });
});

describe('PGlite: the prepared, queued driver', () => {
  it('gets over a table changed under a prepared statement, in a transaction too', async () => {
    const store = await openTestStore('pglite');
    try {
      const board = new TaskBoard(store.db, { leaseSeconds: 900 });
      const p = newProject('prep');
      await board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b' }] });
      await board.nextTask(p, { agent: 'w1' });
      await board.updateTask(p, { task_id: 'B', priority: 2 });
      await sql`alter table tasks add column hot_path_probe int`.execute(store.db);
      expect((await board.nextTask(p, { agent: 'w1' })).task).toMatchObject({ id: 'B' });
      // Inside a transaction the stale plan aborts it: the transaction runs again.
      expect(await board.updateTask(p, { task_id: 'A', priority: 1 })).toMatchObject({ changed: ['priority'] });
    } finally {
      await store.close();
    }
  });

  it('serves its one connection in arrival order, so a reader is not starved by busy writers', async () => {
    const store = await openTestStore('pglite');
    const db = store.db as Kysely<Database>;
    try {
      let stop = false;
      let done = 0;
      const writers = Array.from({ length: 8 }, async () => {
        while (!stop) {
          await db.transaction().execute(async (trx) => {
            await trx.executeQuery(CompiledQuery.raw('select pg_sleep(0.001)'));
            await trx.executeQuery(CompiledQuery.raw('select 1'));
          });
          done++;
        }
      });
      await new Promise((r) => setTimeout(r, 100));
      const before = done;
      await db.executeQuery(CompiledQuery.raw('select 1'));
      const overtaken = done - before;
      stop = true;
      await Promise.all(writers);
      // At most the 8 transactions already queued may go first (one more each, at a boundary).
      expect(overtaken).toBeLessThanOrEqual(16);
    } finally {
      await store.close();
    }
  });

  it('keeps planner statistics fresh after a large write, and vacuums in the reaper tick', async () => {
    const store = await openTestStore('pglite');
    try {
      const board = new TaskBoard(store.db, { leaseSeconds: 900, autovacuum: true });
      const p = newProject('tidy');
      const stats = async () =>
        Object.fromEntries(
          (await sql<{ relname: string; analyzed: boolean; vacuumed: boolean }>`
            select relname, last_analyze is not null as analyzed, last_vacuum is not null as vacuumed
            from pg_stat_user_tables where relname in ('tasks', 'task_dependencies')`.execute(store.db)).rows.map((r) => [r.relname, r]),
        );
      await board.writeTaskList(p, { tasks: Array.from({ length: 300 }, (_, i) => ({ id: `T${i}`, description: 't', dependencies: i ? [`T${i - 1}`] : [] })) });
      expect(await stats()).toMatchObject({ tasks: { analyzed: true }, task_dependencies: { analyzed: true } });
      for (let i = 0; i < 120; i++) {
        const next = await board.nextTask(p, { agent: 'w' });
        await board.markTaskStatus(p, { task_id: next.task!.id, status: 'completed', agent: 'w' });
      }
      const reaper = startReaper(board, pino({ level: 'silent' }), 20);
      await expect.poll(async () => (await stats()).tasks.vacuumed, { timeout: 10_000 }).toBe(true);
      await reaper.stop();
    } finally {
      await store.close();
    }
  });

  it('makes a checkpoint in the reaper tick once enough WAL was written since the last (PGlite has no checkpointer)', async () => {
    const store = await openTestStore('pglite');
    try {
      const walBytes = 2 * 1024 * 1024;
      const board = new TaskBoard(store.db, { leaseSeconds: 900, autovacuum: true, checkpointWalBytes: walBytes });
      const sinceCheckpoint = async () =>
        Number((await sql<{ since: string }>`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::text as since from pg_control_checkpoint()`.execute(store.db)).rows[0].since);
      const p = newProject('wal');
      await board.writeTaskList(p, { tasks: Array.from({ length: 3000 }, (_, i) => ({ id: `T${i}`, description: `task ${i} `.repeat(10) })) });
      expect(await sinceCheckpoint()).toBeGreaterThan(walBytes);
      // Nothing else makes one: more work only adds to it.
      const before = await sinceCheckpoint();
      for (let i = 0; i < 50; i++) {
        const next = await board.nextTask(p, { agent: 'w' });
        await board.markTaskStatus(p, { task_id: next.task!.id, status: 'completed', agent: 'w' });
      }
      expect(await sinceCheckpoint()).toBeGreaterThan(before);
      const reaper = startReaper(board, pino({ level: 'silent' }), 20);
      await expect.poll(sinceCheckpoint, { timeout: 10_000 }).toBeLessThan(walBytes);
      await reaper.stop();
      expect(await board.checkpointIfDue()).toBe(false);
    } finally {
      await store.close();
    }
  });
});
