import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/open.js';
import { TaskBoard } from '../src/tasks/board.js';
import { engines, newProject, openTestStore } from './helpers/engines.js';
import { preparedFolder, stopBoardHost } from './helpers/folders.js';
import { connectStdio, text } from './helpers/stdio-client.js';

// The safety re-check is pushed beyond every wait here: a wait that ends early with a task was woken by a change.
const NO_RECHECK = 600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** T1 held by worker-a; T2 waits on it: nothing is ready for anyone else. */
async function heldBoard(board: TaskBoard) {
  const project = newProject('wait');
  await board.writeTaskList(project, { tasks: [{ id: 'T1', description: 'schema' }, { id: 'T2', description: 'api', dependencies: ['T1'] }] });
  const first = await board.nextTask(project, { agent: 'worker-a' });
  expect(first.task?.id).toBe('T1');
  return project;
}

describe.each(engines)('get_next_task wait_seconds on %s', (engine) => {
  let store: Store;
  let board: TaskBoard;
  beforeAll(async () => {
    // One pooled connection on Postgres: a wait that held it would stall the completion that ends the wait.
    store = engine === 'postgres' ? await openStore(process.env.TEST_DATABASE_URL!, { poolMax: 1 }) : await openTestStore(engine);
    board = new TaskBoard(store.db, { leaseSeconds: 900, waitRecheckMs: NO_RECHECK });
  });
  afterAll(() => store?.close());

  it('returns as soon as a task becomes ready, without holding a connection while it waits', async () => {
    const project = await heldBoard(board);
    const waiting = board.nextTask(project, { agent: 'worker-b', wait_seconds: 60 });
    await sleep(300);
    await board.markTaskStatus(project, { task_id: 'T1', status: 'completed', result: 'done', agent: 'worker-a' });
    const r = await waiting;
    expect(r).toMatchObject({ claimed: true, task: { id: 'T2', assignee: 'worker-b', status: 'in_progress' } });
  });

  it('wakes for a task written while it waits on an empty board, and only for its filter', async () => {
    const project = newProject('wait-empty');
    const started = Date.now();
    const waiting = board.nextTask(project, { agent: 'worker-b', phase: 'P2', wait_seconds: 2 });
    await sleep(200);
    await board.writeTaskList(project, { tasks: [{ id: 'A1', description: 'other phase', phase: 'P1' }] });
    const r = await waiting;
    // A1 is not in P2: the wait went on to its deadline, with the usual reason.
    expect(r).toMatchObject({ task: null, claimed: false, reason: 'waiting' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    const again = board.nextTask(project, { agent: 'worker-b', phase: 'P1', wait_seconds: 60 });
    expect(await again).toMatchObject({ claimed: true, task: { id: 'A1' } });
  });

  it('returns at the deadline with the reason when nothing becomes ready, and at once on a deadlock or all done', async () => {
    const project = await heldBoard(board);
    const started = Date.now();
    const r = await board.nextTask(project, { agent: 'worker-b', wait_seconds: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(r).toMatchObject({ task: null, claimed: false, reason: 'waiting', waiting_on: [{ id: 'T1', assignee: 'worker-a' }] });
    await board.markTaskStatus(project, { task_id: 'T1', status: 'failed', result: 'no', agent: 'worker-a' });
    expect(await board.nextTask(project, { agent: 'worker-b', wait_seconds: 300 })).toMatchObject({ reason: 'blocked', blocked_chains: ['T2 → T1 (failed)'] });
    await board.markTaskStatus(project, { task_id: 'T2', status: 'cancelled', force: true });
    expect(await board.nextTask(project, { agent: 'worker-b', wait_seconds: 300 })).toMatchObject({ reason: 'all_done' });
  });

  it('claims nothing when the call is cancelled', async () => {
    const project = await heldBoard(board);
    const cancel = new AbortController();
    const waiting = board.nextTask(project, { agent: 'worker-b', wait_seconds: 60 }, cancel.signal);
    await sleep(200);
    cancel.abort();
    expect(await waiting).toMatchObject({ task: null, claimed: false, reason: 'waiting' });
    await board.markTaskStatus(project, { task_id: 'T1', status: 'completed', result: 'done', agent: 'worker-a' });
    await sleep(300);
    const t2 = (await board.readTaskBreakdown(project, {})).tasks.find((t) => t.id === 'T2');
    expect(t2).toMatchObject({ status: 'pending', attempts: 0 });
    expect(t2?.assignee).toBeUndefined();
  });

  it('puts back a claim made while the cancel arrived', async () => {
    const project = newProject('wait-race');
    await board.writeTaskList(project, { tasks: [{ id: 'T1', description: 'ready at once' }] });
    const cancel = new AbortController();
    const r = board.nextTask(project, { agent: 'worker-b', wait_seconds: 30 }, cancel.signal);
    cancel.abort(); // the first look is already running: its claim lands, then is undone
    expect(await r).toMatchObject({ task: null, claimed: false });
    const t1 = (await board.readTaskBreakdown(project, {})).tasks.find((t) => t.id === 'T1');
    expect(t1).toMatchObject({ status: 'pending' });
    expect((await board.nextTask(project, { agent: 'worker-c' })).task?.id).toBe('T1');
  });
});

describe.runIf(engines.includes('postgres'))('get_next_task wait_seconds across replicas on Postgres', () => {
  let one: Store;
  let two: Store;
  beforeAll(async () => {
    one = await openStore(process.env.TEST_DATABASE_URL!, { poolMax: 2 });
    two = await openStore(process.env.TEST_DATABASE_URL!, { poolMax: 2 });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('wakes a worker waiting on one replica when another completes the task it waits on (LISTEN/NOTIFY)', async () => {
    const replica = (store: Store) => {
      const b = new TaskBoard(store.db, { leaseSeconds: 900, notify: true, waitRecheckMs: NO_RECHECK });
      b.changes.setRemoteSource((onPayload) => store.listenForChanges!(onPayload, () => {}));
      return b;
    };
    const [a, b] = [replica(one), replica(two)];
    try {
      const project = await heldBoard(a);
      const waiting = b.nextTask(project, { agent: 'worker-b', wait_seconds: 60 });
      await sleep(500);
      await a.markTaskStatus(project, { task_id: 'T1', status: 'completed', result: 'done', agent: 'worker-a' });
      expect(await waiting).toMatchObject({ claimed: true, task: { id: 'T2', assignee: 'worker-b' } });
    } finally {
      await a.changes.close();
      await b.changes.close();
    }
  });
});

describe('get_next_task wait_seconds through the board host (stdio bins)', () => {
  let folder: string;
  let remove: () => void;
  const sessions: Array<Awaited<ReturnType<typeof connectStdio>>> = [];
  beforeAll(async () => {
    ({ folder, remove } = await preparedFolder('wait'));
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close().catch(() => {})));
    stopBoardHost(folder);
    remove();
  });

  it('wakes one agent when another completes the task it waits on, and a cancelled wait claims nothing', async () => {
    const connect = async (name: string) => {
      const s = await connectStdio({ TASKLANE_DATABASE_URL: folder, TASKLANE_PROJECT: 'wait-host' }, name);
      sessions.push(s);
      return s;
    };
    const [a, b] = [await connect('agent-a'), await connect('agent-b')];
    await a.call('write_task_list', { tasks: [
      { id: 'T1', description: 'schema' },
      { id: 'T2', description: 'api', dependencies: ['T1'] },
      { id: 'T3', description: 'docs', dependencies: ['T2'] },
    ] });
    expect((await a.call('get_next_task', {})).structuredContent).toMatchObject({ task: { id: 'T1' } });

    const waiting = b.call('get_next_task', { wait_seconds: 60 });
    await sleep(500);
    await a.call('mark_task_status', { task_id: 'T1', status: 'completed', result: 'ok' });
    const woken = await waiting;
    expect(woken.structuredContent).toMatchObject({ claimed: true, task: { id: 'T2', assignee: 'agent-b' } });

    // A cancelled wait (notifications/cancelled through the relay) claims nothing.
    const cancel = new AbortController();
    const cancelled = b.client.callTool({ name: 'get_next_task', arguments: { wait_seconds: 60 } }, undefined, { signal: cancel.signal });
    await sleep(500);
    cancel.abort();
    await expect(cancelled).rejects.toThrow();
    await sleep(500);
    await b.call('mark_task_status', { task_id: 'T2', status: 'completed', result: 'ok' });
    await sleep(500);
    const board = await a.call('read_task_breakdown', {});
    const t3 = (board.structuredContent as { tasks: Array<{ id: string; status: string; attempts: number }> }).tasks.find((t) => t.id === 'T3');
    expect(t3, text(board)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
