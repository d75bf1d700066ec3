import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/auth/access.js';
import { TOKEN_CACHE_MS, TokenBook } from '../src/auth/tokens.js';
import type { Store } from '../src/db/open.js';
import { engines, newProject, openTestStore, testBoard } from './helpers/engines.js';
import { connectHttp, initializeBody, rawRequest, startHttpServer } from './helpers/http-client.js';
import { text } from './helpers/stdio-client.js';

const ADMIN = 'admin-token-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** What each role may call; everything else is refused with `forbidden`. */
const ALLOWED: Record<Role, string[]> = {
  reader: ['read_task_breakdown', 'search_lessons'],
  worker: ['read_task_breakdown', 'search_lessons', 'get_next_task', 'mark_task_status', 'heartbeat', 'record_lesson'],
  orchestrator: ['read_task_breakdown', 'search_lessons', 'get_next_task', 'mark_task_status', 'heartbeat', 'record_lesson', 'write_task_list', 'update_task', 'import_tracker'],
  admin: ['read_task_breakdown', 'search_lessons', 'get_next_task', 'mark_task_status', 'heartbeat', 'record_lesson', 'write_task_list', 'update_task', 'import_tracker'],
};
/** A call of each tool that would do something on a board with T1. */
const CALLS: Record<string, Record<string, unknown>> = {
  read_task_breakdown: {},
  search_lessons: { query: 'schema' },
  get_next_task: { claim: false },
  mark_task_status: { task_id: 'T1', status: 'pending', notes: 'no change' },
  heartbeat: { task_id: 'T1' },
  record_lesson: { lesson: 'Roles keep a CI runner from rewriting the board' },
  write_task_list: { tasks: [{ id: 'T1', description: 'Set up the schema' }] },
  update_task: { task_id: 'T1', priority: 2 },
  import_tracker: { content: '# TODO\n\n- [ ] Write the docs\n', format: 'todo', dry_run: true },
};

describe.each(engines)('named tokens, roles and projects over HTTP on %s', (engine) => {
  let store: Store;
  let tokens: TokenBook;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  const project = newProject('roles');
  const other = newProject('other');
  const issued = {} as Record<Role, { name: string; token: string }>;

  beforeAll(async () => {
    store = await openTestStore(engine);
    tokens = new TokenBook(store.db);
    http = await startHttpServer(store, { token: ADMIN, credentials: { tokens } });
    const board = testBoard(store);
    for (const p of [project, other]) await board.writeTaskList(p, { tasks: [{ id: 'T1', description: 'Set up the schema' }, { id: 'T2', description: 'Build the API', dependencies: ['T1'] }] });
    for (const role of ROLES) {
      const name = uniqueName(role);
      issued[role] = { name, token: (await tokens.create({ name, role, projects: [project] })).token };
    }
  });
  afterAll(async () => {
    await http?.server.close();
    await store?.close();
  });

  it('keeps only a hash, lists tokens with their last use, and refuses bad names, roles and projects', async () => {
    const { token } = await tokens.create({ name: uniqueName('listed'), role: 'reader', projects: 'all' });
    expect(token).toMatch(/^tl_[\w-]{43}$/);
    const stored = await store.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash).join()).not.toContain(token);
    await expect(tokens.create({ name: 'bad name', role: 'reader', projects: 'all' })).rejects.toMatchObject({ code: 'invalid_input', message: /^name: "bad name"/ });
    await expect(tokens.create({ name: uniqueName('r'), role: 'root', projects: 'all' })).rejects.toMatchObject({ code: 'invalid_input', message: /role: "root" is not a role; use one of reader, worker, orchestrator, admin/ });
    await expect(tokens.create({ name: issued.reader.name, role: 'reader', projects: 'all' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(tokens.revoke('no-such-token')).rejects.toMatchObject({ code: 'not_found' });
  });

  it.each(ROLES)('%s: tools/list shows exactly the tools it may call, and every other call is forbidden', async (role) => {
    const agent = await connectHttp(http.url, { token: issued[role].token, name: `${issued[role].name}/1` });
    try {
      const listed = (await agent.client.listTools()).tools.map((t) => t.name).sort();
      expect(listed).toEqual([...ALLOWED[role]].sort());
      for (const [tool, args] of Object.entries(CALLS)) {
        const r = await agent.call(tool, args);
        if (ALLOWED[role].includes(tool)) {
          expect(text(r), `${role} ${tool}`).not.toMatch(/may not call/);
        } else {
          expect(r.isError, `${role} ${tool}`).toBe(true);
          expect(text(r)).toMatch(new RegExp(`^forbidden: credential "${issued[role].name}" \\(role ${role}\\) may not call ${tool}: it needs role \\w+`));
        }
      }
    } finally {
      await agent.close();
    }
  });

  it('keeps a token to its projects: tools, resources and prompts of another project are refused', async () => {
    const agent = await connectHttp(http.url, { token: issued.orchestrator.token });
    try {
      // Without a project, a one-project token works on its own project, not the server's default.
      expect((await agent.call('read_task_breakdown', {})).structuredContent).toMatchObject({ project, total_tasks: 2 });
      for (const [tool, args] of [['read_task_breakdown', {}], ['get_next_task', {}], ['search_lessons', { query: 'schema' }], ['write_task_list', CALLS.write_task_list]] as const) {
        const r = await agent.call(tool, { ...args, project: other });
        expect(r.isError).toBe(true);
        expect(text(r)).toMatch(new RegExp(`^forbidden: project: credential "${issued.orchestrator.name}" \\(role orchestrator\\) may not use ${tool} on project "${other}"; it covers ${project}`));
      }
      // A Taskmaster file's other tags become projects of their own: those need the token to cover them too.
      const tagged = JSON.stringify({ master: { tasks: [{ id: 1, title: 'a', status: 'pending' }] }, feature: { tasks: [{ id: 1, title: 'b', status: 'pending' }] } });
      const imported = await agent.call('import_tracker', { content: tagged, format: 'taskmaster', dry_run: true });
      expect(text(imported)).toMatch(new RegExp(`^forbidden: project: .* may not use import_tracker on project "${project}-feature"`));

      await expect(agent.client.readResource({ uri: `tasklane://${other}/breakdown.md` })).rejects.toThrow(/forbidden: project/);
      await expect(agent.client.readResource({ uri: `tasklane://${other}/tasks/T1` })).rejects.toThrow(/forbidden: project/);
      expect((await agent.client.readResource({ uri: `tasklane://${project}/tasks/T1` })).contents).toHaveLength(1);
      const listed = (await agent.client.listResources()).resources.map((r) => r.uri);
      expect(listed.every((uri) => uri.startsWith(`tasklane://${project}/`) || !uri.includes('://http-default/'))).toBe(true);
      await expect(agent.client.getPrompt({ name: 'worker', arguments: { project: other, task_id: 'T1' } })).rejects.toThrow(/forbidden: project/);
      expect((await agent.client.getPrompt({ name: 'worker', arguments: { task_id: 'T1' } })).description).toBe(`worker brief for T1 in ${project}`);
    } finally {
      await agent.close();
    }
  });

  it('lets a worker report only on tasks it holds, as itself, and records the credential of every event', async () => {
    const w = issued.worker;
    const other = { name: uniqueName('worker'), token: '' };
    other.token = (await tokens.create({ name: other.name, role: 'worker', projects: [project] })).token;
    const p = newProject('held');
    await tokens.create({ name: uniqueName('unused'), role: 'worker', projects: [p] });
    const orchestrator = await connectHttp(http.url, { token: issued.orchestrator.token, name: 'planner' });
    const first = await connectHttp(http.url, { token: w.token, name: 'some-client' });
    const second = await connectHttp(http.url, { token: other.token });
    try {
      // The orchestrator's token covers `project` only: the worker tokens work there too.
      await orchestrator.call('write_task_list', { project, tasks: [{ id: 'H1', description: 'held by the first worker' }], mode: 'merge' });
      await orchestrator.call('mark_task_status', { project, task_id: 'T1', status: 'completed', force: true });
      const claimed = await first.call('get_next_task', { phase: undefined });
      const held = (claimed.structuredContent as { task: { id: string; assignee: string } }).task;
      expect(held.assignee).toBe(w.name);

      const impostor = await second.call('mark_task_status', { task_id: held.id, status: 'completed', agent: w.name });
      expect(text(impostor)).toMatch(new RegExp(`^forbidden: agent: credential "${other.name}" \\(role worker\\) acts as "${other.name}" or "${other.name}/<suffix>", not "${w.name}"`));
      const notHeld = await second.call('mark_task_status', { task_id: held.id, status: 'completed' });
      expect(text(notHeld)).toMatch(/^(forbidden|lease_lost): task_id: /);
      const forced = await second.call('mark_task_status', { task_id: held.id, status: 'completed', force: true });
      expect(text(forced)).toMatch(/^forbidden: force: /);
      const beat = await second.call('heartbeat', { task_id: held.id });
      expect(beat.isError).toBe(true);
      const pendingOne = await second.call('mark_task_status', { task_id: 'H1', status: 'completed' });
      expect(text(pendingOne)).toMatch(/^forbidden: task_id: H1 is pending, not held by/);

      expect((await first.call('heartbeat', { task_id: held.id })).isError).toBeFalsy();
      const done = await first.call('mark_task_status', { task_id: held.id, status: 'completed', result: 'done' });
      expect(done.structuredContent).toMatchObject({ changed: true });

      const events = await store.db.selectFrom('task_events').select(['kind', 'actor', 'credential']).where('project_id', '=', project).where('task_id', '=', held.id).orderBy('id').execute();
      expect(events.filter((e) => e.kind === 'claimed' || e.kind === 'status').slice(-2)).toEqual([
        { kind: 'claimed', actor: w.name, credential: w.name },
        { kind: 'status', actor: w.name, credential: w.name },
      ]);
      const written = await store.db.selectFrom('task_events').select(['actor', 'credential']).where('project_id', '=', project).where('task_id', '=', 'H1').execute();
      expect(written).toEqual([{ actor: 'planner', credential: issued.orchestrator.name }]);
    } finally {
      await Promise.all([orchestrator.close(), first.close(), second.close()]);
    }
  });

  it('TASKLANE_HTTP_TOKEN stays an admin token on every project; a session stays with the credential that opened it', async () => {
    const admin = await connectHttp(http.url, { token: ADMIN, name: 'ops' });
    try {
      expect((await admin.client.listTools()).tools).toHaveLength(9);
      const r = await admin.call('update_task', { project: other, task_id: 'T2', priority: 7 });
      expect(r.structuredContent).toMatchObject({ changed: ['priority'] });
      const events = await store.db.selectFrom('task_events').select(['credential']).where('project_id', '=', other).where('kind', '=', 'edited').execute();
      expect(events).toEqual([{ credential: 'admin' }]);
      const hijack = await rawRequest(http.url, {
        headers: { authorization: `Bearer ${issued.reader.token}`, 'mcp-session-id': admin.transport.sessionId!, 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(hijack.status).toBe(404);
    } finally {
      await admin.close();
    }
  });

  it('refuses a revoked token within the cache period, on new and open sessions', async () => {
    const name = uniqueName('revoked');
    const { token } = await tokens.create({ name, role: 'reader', projects: [project] });
    const agent = await connectHttp(http.url, { token });
    expect((await agent.call('read_task_breakdown', {})).isError).toBeFalsy();
    const used = await store.db.selectFrom('api_tokens').select('last_used_at').where('name', '=', name).executeTakeFirstOrThrow();
    expect(used.last_used_at).toBeInstanceOf(Date);
    await tokens.revoke(name);
    await sleep(TOKEN_CACHE_MS + 50);
    await expect(agent.call('read_task_breakdown', {})).rejects.toThrow(/401|invalid_token|Unauthorized/i);
    const fresh = await rawRequest(http.url, { headers: { authorization: `Bearer ${token}` }, body: initializeBody });
    expect(fresh.status).toBe(401);
    expect(fresh.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    await agent.close().catch(() => {});
  });
});
