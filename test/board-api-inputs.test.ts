import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/db/open.js';
import { tokenMatches } from '../src/web/auth.js';
import { serveBoardForTests } from './helpers/board-server.js';
import { engines, newProject, testBoard, testLessons } from './helpers/engines.js';
import { hostileString } from './helpers/hostile.js';
import { dumpDatabase, openIsolatedStore } from './helpers/isolated-store.js';

// The board API (src/web) holds the same input rules and error mapping as the MCP tools: a bad value is a
// 400 naming it, a database error never reaches the page, and a refused request changes nothing.

const SEED = Number(process.env.TASKLANE_FUZZ_SEED ?? 15_2026);
const RUNS = Number(process.env.TASKLANE_FUZZ_RUNS ?? 60);
const DATABASE_TEXT = /invalid byte sequence|violates|syntax error|SQLSTATE|relation "|duplicate key|out of range|unsupported Unicode|invalid input syntax|Maximum call stack/i;
const TOKEN = 'board-inputs-token-0123456789';

/** A lone surrogate as CESU-8 bytes (`%ED%A0%80` for U+D800): invalid UTF-8, which Express would quietly turn into U+FFFD. */
const cesu = (c: string) => {
  const u = c.charCodeAt(0);
  return [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
};
/** Percent-encodes any string, a lone surrogate as the bytes a careless client would send. */
const encode = (s: string) => [...s].map((c) => (/\p{Cs}/u.test(c) ? cesu(c) : encodeURIComponent(c))).join('');

describe.each(engines)('board API inputs on %s', (engine) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof serveBoardForTests>>;
  let project: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    store = await openIsolatedStore(engine);
    const board = testBoard(store);
    project = newProject('web');
    await board.writeTaskList(project, { tasks: [{ id: 'A', description: 'schema' }, { id: 'B', description: 'api', dependencies: ['A'] }] });
    await board.markTaskStatus(project, { task_id: 'A', status: 'failed', result: 'broke' });
    server = await serveBoardForTests({ board, lessons: await testLessons(store), defaultProject: project, token: TOKEN });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const request = async (method: 'GET' | 'POST', path: string, body?: string) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body });
    const text = await res.text();
    return { status: res.status, text, body: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
  };

  /** Sends a request; a refused one must leave the database as it was, and no answer may carry database text. */
  async function unchangedWhenRefused(method: 'GET' | 'POST', path: string, body?: string) {
    const start = await dumpDatabase(store);
    const r = await request(method, path, body);
    expect(r.status, `${method} ${path} ${body ?? ''} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
    expect(r.text).not.toMatch(DATABASE_TEXT);
    if (r.status >= 400) {
      expect(r.body?.error, r.text.slice(0, 300)).toMatch(/^(invalid_input|not_found|invalid_transition|conflict|forbidden|unauthorized)$/);
      expect(await dumpDatabase(store)).toBe(start);
    }
    return r;
  }

  it.each([
    ['GET', '/board/api/snapshot?project=%00', /^project: holds a NUL/],
    ['GET', '/board/api/snapshot?project=a&project=b', /^project: give one value/],
    ['GET', `/board/api/snapshot?project=${'x'.repeat(10_000)}`, /^project: is 10000 characters long; the limit is 200/],
    ['GET', '/board/api/snapshot?project=%20%20', /^project: is only whitespace/],
    ['GET', '/board/api/snapshot?project=%1B%5B31mp', /^project: holds U\+001B/],
    ['GET', '/board/api/snapshot?project=p%ED%A0%80', /^url: holds percent-encoding that is not valid UTF-8/],
    ['GET', '/board/api/tasks/%00', /^task id: holds a NUL/],
    ['GET', `/board/api/tasks/${'y'.repeat(10_000)}/lessons`, /^task id: is 10000 characters long/],
    ['GET', '/board/api/tasks/T%E2%80%8B1', /^task id: holds U\+200B/],
    ['GET', '/board/api/graph?task=%00', /^task: holds a NUL/],
    ['GET', '/board/api/graph?phase=P%00', /^phase: holds a NUL/],
    ['GET', '/board/api/lessons?q=lock%00', /^q: holds a NUL/],
    ['POST', '/board/api/tasks/B/note', JSON.stringify({ note: 'a\u0000b' }), /^note: holds a NUL/],
    ['POST', '/board/api/tasks/B/note', '{"note":"\\ud800"}', /^note: holds a lone surrogate/],
    ['POST', '/board/api/tasks/B/priority', JSON.stringify({ priority: '__proto__' }), /^priority: "__proto__" is not a priority/],
    ['POST', '/board/api/tasks/B/priority', JSON.stringify({ priority: 'constructor' }), /^priority: "constructor" is not a priority/],
    ['POST', '/board/api/tasks/A/retry', JSON.stringify({ note: 'n\u0000' }), /^note: holds a NUL/],
    ['POST', '/board/api/tasks/%00/cancel', '{}', /^task id: holds a NUL/],
  ] as Array<[string, string, string | RegExp, RegExp?]>)('refuses %s %s with 400 naming the field', async (method, path, bodyOrExpected, maybeExpected) => {
    const body = typeof bodyOrExpected === 'string' ? bodyOrExpected : undefined;
    const expected = (maybeExpected ?? bodyOrExpected) as RegExp;
    const r = await unchangedWhenRefused(method as 'GET' | 'POST', path, body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_input' });
    expect(r.body.message).toMatch(expected);
  });

  it('refuses a body that is not valid UTF-8 instead of reading it as U+FFFD', async () => {
    const start = await dumpDatabase(store);
    const bytes = Buffer.concat([Buffer.from('{"note":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    const res = await fetch(`${server.url}/board/api/tasks/B/note`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: bytes });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_input', message: expect.stringMatching(/^body: is not valid UTF-8/) });
    expect(await dumpDatabase(store)).toBe(start);
  });

  it('answers hostile values on every route without a 500 or database text, and a refusal changes nothing', async () => {
    const value = fc.oneof(
      hostileString.map(encode),
      fc.constantFrom('A', 'B', 'NOPE', '%ED%A0%80', 'a%ED%B0%80', '%C3', '%00', 'A%00', '__proto__', 'constructor', '%1B%5B31m', '%E2%80%8B', '%20A', 'x'.repeat(300)),
    );
    const route = fc.oneof(
      value.map((v) => ['GET', `/board/api/snapshot?project=${v}`] as const),
      value.map((v) => ['GET', `/board/api/tasks/${v}?project=${encodeURIComponent(project)}`] as const),
      value.map((v) => ['GET', `/board/api/tasks/${v}/lessons`] as const),
      value.map((v) => ['GET', `/board/api/graph?task=${v}&phase=${v}`] as const),
      value.map((v) => ['GET', `/board/api/lessons?q=${v}`] as const),
      value.map((v) => ['GET', `/board/api/progress?project=${v}&hours=${v}`] as const),
      fc.tuple(value, fc.constantFrom('retry', 'cancel', 'note', 'priority'), hostileString, fc.constantFrom('note', 'priority', 'as')).map(
        ([id, action, text, field]) => ['POST', `/board/api/tasks/${id}/${action}`, JSON.stringify({ [field]: text })] as const,
      ),
    );
    await fc.assert(
      fc.asyncProperty(route, async ([method, path, body]) => {
        await unchangedWhenRefused(method, path, body);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it('compares the sign-in token as digests: any length is refused in constant time, never an exception', async () => {
    for (const wrong of ['', 'x', TOKEN.slice(0, -1), `${TOKEN}x`, 'x'.repeat(10_000)]) expect(tokenMatches(wrong, TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    const login = (token: string) =>
      fetch(`${server.url}/board/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, project }) });
    expect((await login('short')).status).toBe(401);
    expect((await login(`${TOKEN}-longer`)).status).toBe(401);
    expect((await login(TOKEN)).status).toBe(303);
    const badCookie = await fetch(`${server.url}/board/api/snapshot`, { headers: { cookie: 'tasklane_board=%E0%A4%A' } });
    expect(badCookie.status).toBe(401);
  });
});
