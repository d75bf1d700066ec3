import { LessonBook } from '../src/lessons/lesson-book.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/open.js';
import { engines, newProject, openTestStore } from './helpers/engines.js';
import { connectHttp, eventually, initializeBody, rawRequest, startHttpServer } from './helpers/http-client.js';
import { text } from './helpers/stdio-client.js';

const TOKEN = 'test-token-0123456789abcdef';

describe.each(engines)('tasklane over streamable HTTP on %s', (engine) => {
  let store: Store;
  let secured: Awaited<ReturnType<typeof startHttpServer>>;
  let open: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    store = await openTestStore(engine);
    secured = await startHttpServer(store, { token: TOKEN });
    open = await startHttpServer(store, { sessionIdleSeconds: 1 });
  });
  afterAll(async () => {
    await secured?.server.close();
    await open?.server.close();
    await store?.close();
  });

  it('runs the orchestrator and worker loop with a bearer token', async () => {
    const project = newProject('http');
    const orchestrator = await connectHttp(secured.url, { token: TOKEN, name: 'orchestrator' });
    const worker = await connectHttp(secured.url, { token: TOKEN, name: 'worker-1' });
    try {
      expect(orchestrator.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(worker.transport.sessionId).not.toBe(orchestrator.transport.sessionId);
      const { tools } = await worker.client.listTools();
      expect(tools.length).toBeGreaterThanOrEqual(5);
      for (const t of tools) expect(t.description!.length).toBeGreaterThan(40);

      const written = await orchestrator.call('write_task_list', {
        project,
        tasks: [
          { id: 'T1', description: 'Set up the schema', priority: 'high' },
          { id: 'T2', description: 'Build the API', dependencies: ['T1'] },
        ],
      });
      expect(written.structuredContent).toMatchObject({ created: 2, total_tasks: 2 });

      const next = await worker.call('get_next_task', { project });
      expect(next.structuredContent).toMatchObject({ claimed: true, task: { id: 'T1', status: 'in_progress', assignee: 'worker-1' } });
      const waiting = await orchestrator.call('get_next_task', { project, agent: 'worker-2' });
      expect(waiting.structuredContent).toMatchObject({ task: null, reason: 'waiting', waiting_on: [{ id: 'T1', assignee: 'worker-1' }] });

      const done = await worker.call('mark_task_status', { project, task_id: 'T1', status: 'done', result: 'schema in place' });
      expect(done.structuredContent).toMatchObject({ changed: true, newly_ready: ['T2'] });
      const bad = await worker.call('mark_task_status', { project, task_id: 'T9', status: 'done' });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toMatch(/^not_found/);

      const breakdown = await orchestrator.call('read_task_breakdown', { project });
      expect(breakdown.structuredContent).toMatchObject({ total_tasks: 2, completed_count: 1, ready_count: 1, progress_percent: 50 });
      const edited = await orchestrator.call('update_task', { project, task_id: 'T2', priority: 1 });
      expect(edited.isError, text(edited)).toBeFalsy();
      expect(edited.structuredContent).toMatchObject({ changed: ['priority'], task: { priority: 1 } });
    } finally {
      await orchestrator.close();
      await worker.close();
    }
  });

  it('answers 401 with WWW-Authenticate without a token or with a wrong one', async () => {
    const sessionsBefore = secured.server.sessionCount();
    await expect(connectHttp(secured.url)).rejects.toMatchObject({ code: 401, message: expect.stringMatching(/invalid_token/) });
    await expect(connectHttp(secured.url, { token: 'wrong-token-0123456789abcdef' })).rejects.toMatchObject({ code: 401 });
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${TOKEN}` }];
    for (const headers of attempts) {
      const r = await rawRequest(secured.url, { headers, body: initializeBody });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      expect(JSON.parse(r.body)).toMatchObject({ error: 'invalid_token' });
    }
    expect(secured.server.sessionCount()).toBe(sessionsBefore);
  });

  it('answers 403 to a foreign Host or Origin, and accepts loopback ones', async () => {
    const foreign: Record<string, string>[] = [
      { host: 'evil.example.com' },
      { host: 'evil.example.com:7420' },
      { origin: 'http://evil.example.com' },
      { origin: 'null' },
    ];
    for (const headers of foreign) {
      const r = await rawRequest(open.url, { headers, body: initializeBody });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    }
    const port = new URL(open.url).port;
    const ok = await rawRequest(open.url, { headers: { host: `localhost:${port}`, origin: `http://localhost:${port}` }, body: initializeBody });
    expect(ok.status).toBe(200);
    await rawRequest(open.url, { method: 'DELETE', headers: { 'mcp-session-id': ok.headers['mcp-session-id'] as string } });
  });

  it('answers malformed JSON with a JSON-RPC parse error as JSON', async () => {
    for (const body of ['{"jsonrpc": "2.0", "id": 1, "method": ', 'not json at all']) {
      const r = await rawRequest(open.url, { body });
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.body).not.toMatch(/<html|<pre>|at .*\.js/i);
      expect(JSON.parse(r.body)).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: expect.stringMatching(/^Parse error/) }, id: null });
    }
  });

  it('refuses a body over the message limit with 413, and takes one just under', async () => {
    const limited = await startHttpServer(store, { maxMessageBytes: 1024 * 1024 });
    try {
      const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(1024 * 1024) } });
      const r = await rawRequest(limited.url, { body: huge });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
      const under = JSON.stringify({ ...JSON.parse(initializeBody), params: { ...JSON.parse(initializeBody).params, pad: 'x'.repeat(1000 * 1000) } });
      const accepted = await rawRequest(limited.url, { body: under });
      expect(accepted.status).toBe(200);
    } finally {
      await limited.server.close();
    }
  });

  it('frees a session on DELETE, and an abandoned one after the idle timeout', async () => {
    await eventually(() => open.server.sessionCount() === 0, 'sessions from earlier tests were not freed');
    const ended = await connectHttp(open.url);
    const abandoned = await connectHttp(open.url);
    await abandoned.client.listTools();
    expect(open.server.sessionCount()).toBe(2);

    await ended.transport.terminateSession();
    expect(open.server.sessionCount()).toBe(1);
    await ended.close();

    const abandonedId = abandoned.transport.sessionId!;
    await abandoned.close(); // closes its streams but sends no DELETE, as clients that crash do
    await eventually(() => open.server.sessionCount() === 0, 'the idle session was never expired');
    const gone = await rawRequest(open.url, { headers: { 'mcp-session-id': abandonedId }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });
    expect(gone.status).toBe(404);
  });

  it('never gives the same task to two concurrent HTTP clients claiming from one board', async () => {
    const project = newProject('race');
    const agents = await Promise.all(['a1', 'a2'].map((name) => connectHttp(secured.url, { token: TOKEN, name })));
    try {
      const tasks = Array.from({ length: 30 }, (_, i) => ({ id: `T${i + 1}`, description: `task ${i + 1}` }));
      await agents[0].call('write_task_list', { project, tasks });
      const claimedBy = await Promise.all(
        agents.map(async (agent) => {
          const mine: string[] = [];
          for (;;) {
            const r = await agent.call('get_next_task', { project });
            const task = (r.structuredContent as { task: { id: string } | null }).task;
            if (!task) return mine;
            mine.push(task.id);
            await agent.call('mark_task_status', { project, task_id: task.id, status: 'completed', result: 'ok' });
          }
        }),
      );
      const all = claimedBy.flat();
      expect(all).toHaveLength(30);
      expect(new Set(all).size).toBe(30);
    } finally {
      await Promise.all(agents.map((a) => a.close()));
    }
  });

  it('serves without sessions in stateless mode', async () => {
    const stateless = await startHttpServer(store, { stateless: true });
    try {
      const agent = await connectHttp(stateless.url);
      expect(agent.transport.sessionId).toBeUndefined();
      const project = newProject('stateless');
      await agent.call('write_task_list', { project, tasks: [{ id: 'S1', description: 'stateless task' }] });
      // Each request meets a new server that never saw initialize, so the agent names itself.
      const next = await agent.call('get_next_task', { project, agent: 'replica-worker' });
      expect(next.structuredContent).toMatchObject({ task: { id: 'S1', assignee: 'replica-worker' } });
      expect(stateless.server.sessionCount()).toBe(0);
      const get = await rawRequest(stateless.url, { method: 'GET', headers: { accept: 'text/event-stream' } });
      expect(get.status).toBe(405);
      await agent.close();
    } finally {
      await stateless.server.close();
    }
  });

  it('lets an in-flight call finish when it shuts down, then refuses new ones', async () => {
    const draining = await startHttpServer(store);
    const agent = await connectHttp(draining.url);
    const project = newProject('drain');
    await agent.call('write_task_list', { project, tasks: [{ id: 'D1', description: 'finished during shutdown' }] });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    // Holds the task's row (and on PGlite the only connection) so the call below waits inside the server.
    const holder = store.db.transaction().execute(async (trx) => {
      await sql`select id from tasks where project_id = ${project} for update`.execute(trx);
      locked();
      await released;
    });
    await lockTaken;
    const call = agent.call('mark_task_status', { project, task_id: 'D1', status: 'cancelled' });
    await eventually(() => draining.server.inFlightCalls() === 1, 'the call never reached the server');
    const closed = draining.server.close();
    const late = await rawRequest(draining.url, { body: initializeBody }).catch((err: Error) => err);
    release();
    await holder;
    expect((await call).structuredContent).toMatchObject({ changed: true, task: { id: 'D1', status: 'cancelled' } });
    await closed;
    expect(draining.server.sessionCount()).toBe(0);
    // The listener stays up while the call drains, answering new work 503.
    expect(late instanceof Error ? late.message : late.status).toBe(503);
    await agent.close();
  });

  it('mounts extra routes behind the Host check, outside the /mcp token', async () => {
    const hosted = await startHttpServer(store, { token: TOKEN, routes: (app) => app.get('/board/ping', (_req, res) => void res.json({ pong: true })) });
    try {
      const ok = await rawRequest(new URL('/board/ping', hosted.url).href, { method: 'GET' });
      expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { pong: true }]);
      const foreign = await rawRequest(new URL('/board/ping', hosted.url).href, { method: 'GET', headers: { host: 'evil.example.com' } });
      expect(foreign.status).toBe(403);
      const missing = await rawRequest(new URL('/board/nope', hosted.url).href, { method: 'GET' });
      expect([missing.status, JSON.parse(missing.body).error.code]).toEqual([404, -32601]);
    } finally {
      await hosted.server.close();
    }
  });

  it('reports health and readiness as JSON without auth', async () => {
    const base = new URL(secured.url).origin;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', sessions: expect.any(Number) });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: engine });
  });
});

describe('readiness', () => {
  it('is not ready when the database does not answer, while still alive', async () => {
    const unreachable = await openStore('postgres://postgres@127.0.0.1:1/nothing-listens-here', { poolMax: 1 });
    const lexical = new LessonBook(unreachable.db, { capabilities: { trigram: false, vector: false }, embeddings: null });
    const { server, url } = await startHttpServer(unreachable, {}, lexical);
    try {
      const ready = await fetch(new URL('/readyz', url));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not_ready', reason: 'the database does not answer' });
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    } finally {
      await server.close();
      await unreachable.close();
    }
  });
});
