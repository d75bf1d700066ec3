import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/db/open.js';
import type { TaskChange } from '../src/tasks/change-feed.js';
import { TaskBoard } from '../src/tasks/board.js';
import { serveBoardForTests } from './helpers/board-server.js';
import { engines, newProject, testLessons, useTestBoard } from './helpers/engines.js';

const breakdown = [
  { id: 'A', description: 'schema', phase: 'P1' },
  { id: 'B', description: 'api', phase: 'P1', dependencies: ['A'], tags: ['api'] },
  { id: 'C', description: 'ui', phase: 'P2', dependencies: ['B'] },
  { id: 'D', description: 'docs', phase: 'P2' },
];

describe.each(engines)('board API on %s', (engine) => {
  const ctx = useTestBoard(engine);
  let server: Awaited<ReturnType<typeof serveBoardForTests>>;
  let project: string;
  beforeAll(async () => {
    project = newProject('board');
    server = await serveBoardForTests({ board: ctx.board, defaultProject: project });
  });
  afterAll(() => server?.close());

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('serves the snapshot, paged, with ready and waiting told apart', async () => {
    await ctx.board.writeTaskList(project, { tasks: breakdown });
    const all = await get(`/board/api/snapshot?project=${project}`);
    expect(all.status).toBe(200);
    expect(all.body.counts).toMatchObject({ total: 4, pending: 4, ready: 2 });
    expect(all.body.tasks.map((t: any) => [t.id, t.ready])).toEqual([['A', true], ['B', false], ['C', false], ['D', true]]);
    const page = await get(`/board/api/snapshot?project=${project}&limit=3&offset=1`);
    expect(page.body.tasks.map((t: any) => t.id)).toEqual(['B', 'C', 'D']);
    expect(page.body.next_offset).toBeUndefined();
    const first = await get(`/board/api/snapshot?project=${project}&limit=2`);
    expect(first.body.next_offset).toBe(2);
    const bad = await get(`/board/api/snapshot?limit=99999`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_input' });
    expect(bad.body.message).toMatch(/^limit:/);
  });

  it('shows a task with its links, its timeline, and refuses an unknown one with 404', async () => {
    await ctx.board.nextTask(project, { agent: 'w1' });
    await ctx.board.heartbeat(project, { task_id: 'A', agent: 'w1', note: 'halfway' });
    const d = await get(`/board/api/tasks/A?project=${project}`);
    expect(d.body.task).toMatchObject({ id: 'A', status: 'in_progress', assignee: 'w1' });
    expect(d.body.heartbeat_at).toBeDefined();
    expect(d.body.blocks).toEqual([{ id: 'B', status: 'pending', ready: false }]);
    expect(d.body.events.map((e: any) => [e.kind, e.actor])).toEqual([['created', undefined], ['claimed', 'w1'], ['note', 'w1']]);
    const agents = await get(`/board/api/agents?project=${project}`);
    expect(agents.body.agents).toMatchObject([{ agent: 'w1', holds: [{ task_id: 'A', status: 'in_progress' }] }]);
    expect(agents.body.agents[0].holds[0].last_heartbeat_at).toBeDefined();
    expect((await get(`/board/api/tasks/NOPE?project=${project}`)).status).toBe(404);
  });

  it('retries, cancels, annotates and re-prioritises as human:<name>, each an event', async () => {
    await ctx.board.markTaskStatus(project, { task_id: 'A', status: 'failed', result: 'broke', agent: 'w1' });
    const graph = await get(`/board/api/graph?project=${project}`);
    expect(graph.body.deadlock_chains).toContainEqual(['C', 'B', 'A']);
    const retried = await post(`/board/api/tasks/A/retry?project=${project}`, { as: 'alice', note: 'try again' });
    expect(retried.status).toBe(200);
    expect(retried.body.task).toMatchObject({ status: 'pending', ready: true });
    const again = await post(`/board/api/tasks/A/retry?project=${project}`, { as: 'alice' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/only a failed, blocked or cancelled task/);
    expect((await post(`/board/api/tasks/D/cancel?project=${project}`, { as: 'alice' })).body.task.status).toBe('cancelled');
    expect((await post(`/board/api/tasks/B/note?project=${project}`, { as: 'bob', note: 'look at the schema first' })).status).toBe(200);
    expect((await post(`/board/api/tasks/B/priority?project=${project}`, { as: 'bob', priority: 1 })).body.task.priority).toBe(1);
    const bad = await post(`/board/api/tasks/B/priority?project=${project}`, { priority: 0 });
    expect(bad.status).toBe(400);
    const events = (await get(`/board/api/tasks/A?project=${project}`)).body.events;
    expect(events.at(-1)).toMatchObject({ actor: 'human:alice', kind: 'status', from_status: 'failed', to_status: 'pending', note: 'try again' });
    const b = (await get(`/board/api/tasks/B?project=${project}`)).body.events;
    expect(b.slice(-2)).toMatchObject([{ actor: 'human:bob', kind: 'note' }, { actor: 'human:bob', kind: 'edited' }]);
    const progress = await get(`/board/api/progress?project=${project}`);
    expect(progress.body.phases.map((p: any) => [p.phase, p.counts.total])).toEqual([['P1', 2], ['P2', 2]]);
    expect(progress.body.total.counts).toMatchObject({ total: 4, cancelled: 1 });
  });

  it('refuses an action posted from another origin', async () => {
    const r = await post(`/board/api/tasks/B/note?project=${project}`, { note: 'x' }, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(r.status).toBe(403);
    const events = (await get(`/board/api/tasks/B?project=${project}`)).body.events;
    expect(events.some((e: any) => e.note === 'x')).toBe(false);
  });

  it('publishes each committed change, and streams it to the page as a server-sent event', async () => {
    const seen: TaskChange[] = [];
    const stop = ctx.board.changes.subscribe((c) => seen.push(c));
    const res = await fetch(`${server.url}/board/events?project=${project}`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil('event: ready');
    const claimed = await ctx.board.nextTask(project, { agent: 'w2' });
    await readUntil('event: change');
    expect(text).toContain(JSON.stringify({ task_ids: [claimed.task!.id], kind: 'claimed' }));
    await reader.cancel();
    await expect(ctx.board.markTaskStatus(project, { task_id: 'NOPE', status: 'done' })).rejects.toThrow();
    stop();
    expect(seen).toEqual([{ project, task_ids: [claimed.task!.id], kind: 'claimed' }]);
  });

  it.runIf(engine === 'postgres')('delivers changes between replicas with LISTEN/NOTIFY', async () => {
    const other = await openStore(process.env.TEST_DATABASE_URL!);
    const replica = new TaskBoard(other.db, { leaseSeconds: 900, notify: true });
    const writer = new TaskBoard(ctx.store.db, { leaseSeconds: 900, notify: true });
    replica.changes.setRemoteSource((onPayload) => other.listenForChanges!(onPayload, () => {}));
    const p = newProject('replica');
    // Other files write to the same database meanwhile: only this project's change counts.
    const got = new Promise<TaskChange>((resolve) => replica.changes.subscribe((c) => c.project === p && resolve(c)));
    await replica.changes.listening();
    await writer.writeTaskList(p, { tasks: [{ id: 'X', description: 'x' }] });
    expect(await got).toEqual({ project: p, task_ids: [], kind: 'written' });
    await replica.changes.close();
    await other.close();
  });
});

describe('board auth with a token', () => {
  const ctx = useTestBoard('pglite');
  const token = 'sekrit-token-123';
  let server: Awaited<ReturnType<typeof serveBoardForTests>>;
  beforeAll(async () => {
    server = await serveBoardForTests({ board: ctx.board, defaultProject: newProject(), token });
  });
  afterAll(() => server?.close());

  it('asks for the token, never renders it, and answers 401 without the session', async () => {
    const page = await fetch(`${server.url}/board`);
    const html = await page.text();
    expect(html).toContain('name="token"');
    expect(html).not.toContain(token);
    expect((await fetch(`${server.url}/board/api/snapshot`)).status).toBe(401);
    expect((await fetch(`${server.url}/board/events`)).status).toBe(401);
    expect((await fetch(`${server.url}/board/api/tasks/A/lessons`)).status).toBe(401);
    const action = await fetch(`${server.url}/board/api/tasks/A/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"note":"x"}' });
    expect(action.status).toBe(401);
    const wrong = await fetch(`${server.url}/board/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
    expect(wrong.status).toBe(401);
  });

  it('signs in with the token into an HttpOnly, SameSite=Strict cookie', async () => {
    const login = await fetch(`${server.url}/board/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(token);
    const session = cookie.split(';')[0];
    const page = await (await fetch(`${server.url}/board`, { headers: { cookie: session } })).text();
    expect(page).toContain('id="columns"');
    expect(page).not.toContain(token);
    expect((await fetch(`${server.url}/board/api/snapshot`, { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(`${server.url}/board/api/snapshot`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const crossLogin = await fetch(`${server.url}/board/login`, { method: 'POST', headers: { origin: 'http://evil.example' }, body: new URLSearchParams({ token }), redirect: 'manual' });
    expect(crossLogin.status).toBe(403);
  });
});

describe.each(engines)('board lessons tab on %s', (engine) => {
  const ctx = useTestBoard(engine);

  it('searches the lessons, and says so when none are wired in', async () => {
    const project = newProject('board-lessons');
    const lessons = await testLessons(ctx.store);
    await lessons.record(project, { lesson: 'Run migrations under an advisory lock so replicas do not race.' }, 'w1');
    const server = await serveBoardForTests({ board: ctx.board, lessons, defaultProject: project });
    const bare = await serveBoardForTests({ board: ctx.board, defaultProject: project });
    try {
      const found = (await (await fetch(`${server.url}/board/api/lessons?q=advisory%20lock`)).json()) as { available: boolean; lessons: Array<{ title: string }> };
      expect(found.available).toBe(true);
      expect(found.lessons.map((l) => l.title)).toContain('Run migrations under an advisory lock so replicas do not race.');
      expect(await (await fetch(`${server.url}/board/api/lessons`)).json()).toMatchObject({ available: true, lessons: [] });
      expect(await (await fetch(`${bare.url}/board/api/lessons?q=lock`)).json()).toMatchObject({ available: false });
    } finally {
      await server.close();
      await bare.close();
    }
  });

  it("answers a task's recorded and relevant lessons, 404 for an unknown task", async () => {
    const project = newProject('task-lessons');
    const lessons = await testLessons(ctx.store);
    await ctx.board.writeTaskList(project, {
      tasks: [
        { id: 'M1', title: 'Migrate the invoices table', description: 'add a currency column' },
        { id: 'M2', title: 'Render the PDF', description: 'fonts' },
      ],
    });
    await lessons.record(project, { lesson: 'Run migrations under an advisory lock so replicas do not race.' }, 'w1');
    await lessons.record(project, { title: 'Backfill in batches', lesson: 'A single UPDATE over the table held its lock for minutes.', tags: ['db'], task_id: 'M1' }, 'w2');
    await lessons.record(project, { lesson: 'Embed the fonts in the PDF.', task_id: 'M2' }, 'w3');
    const server = await serveBoardForTests({ board: ctx.board, lessons, defaultProject: project });
    const bare = await serveBoardForTests({ board: ctx.board, defaultProject: project });
    const get = async (url: string) => {
      const res = await fetch(url);
      return { status: res.status, body: (await res.json()) as any };
    };
    try {
      const m1 = await get(`${server.url}/board/api/tasks/M1/lessons?project=${project}`);
      expect(m1.status).toBe(200);
      expect(m1.body).toMatchObject({ available: true, project, task_id: 'M1' });
      expect(m1.body.recorded).toEqual([
        expect.objectContaining({ title: 'Backfill in batches', body: 'A single UPDATE over the table held its lock for minutes.', tags: ['db'], task_id: 'M1', created_by: 'w2' }),
      ]);
      expect(m1.body.recorded[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(m1.body.relevant.map((l: any) => l.title)).toContain('Run migrations under an advisory lock so replicas do not race.');
      expect(m1.body.relevant.every((l: any) => typeof l.score === 'number')).toBe(true);
      expect(m1.body.relevant).toEqual(await lessons.relevantLessons(project, 'M1'));
      const unknown = await get(`${server.url}/board/api/tasks/NOPE/lessons?project=${project}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: 'not_found' });
      expect(unknown.body.message).toMatch(/no task "NOPE"/);
      expect((await get(`${bare.url}/board/api/tasks/M1/lessons?project=${project}`)).body).toMatchObject({ available: false, recorded: [], relevant: [] });
    } finally {
      await server.close();
      await bare.close();
    }
  });
});
