import { McpError } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import type { Store } from '../src/db/open.js';
import { jsonBytes, LIMITS } from '../src/tasks/input-rules.js';
import { writeTaskListInput } from '../src/tasks/inputs.js';
import { z } from 'zod';
import { engines, newProject } from './helpers/engines.js';
import {
  argsOf, boolField, enumField, extraKeys, hostileJson, hostileString, idField, intField, labelField, listField, nested, priorityField,
  statusField, textField, timeField, withKeys,
} from './helpers/hostile.js';
import { dumpDatabase, openIsolatedStore } from './helpers/isolated-store.js';
import { connectInMemory } from './helpers/memory-client.js';

// Property-based fuzzing of every tool, prompt and resource through the real MCP server and the SDK's
// client. A fixed seed in CI (TASKLANE_FUZZ_SEED overrides it; fast-check prints the seed of a failure),
// TASKLANE_FUZZ_RUNS sets the calls per surface. TASKLANE_FUZZ_SURVEY=1 records every fault instead of
// stopping at the first, and prints the count of each kind.

const SEED = Number(process.env.TASKLANE_FUZZ_SEED ?? 15_2026);
const RUNS = Number(process.env.TASKLANE_FUZZ_RUNS ?? 60);
const SURVEY = process.env.TASKLANE_FUZZ_SURVEY === '1';

/** Texts that only a database (or a crash) writes: none may reach a client. */
const DATABASE_TEXT = /invalid byte sequence|violates|syntax error|SQLSTATE|relation "|duplicate key|out of range|unsupported Unicode|invalid input syntax|value too long|null value in column|stack depth|malformed array|Maximum call stack|Invalid time value|\bat .*\.(?:js|ts):\d+/i;
const DOCUMENTED = /^(invalid_input|not_found|invalid_transition|dependency_cycle|conflict|lease_lost|unavailable): \S/;

type Answer =
  | { kind: 'result'; isError: boolean; text: string; value: unknown }
  | { kind: 'rpc_error'; code: number; message: string }
  | { kind: 'no_answer'; message: string };

/** The kinds of fault an answer shows; empty when it is clean. */
function faultsOf(answer: Answer, surface: 'tool' | 'prompt' | 'resource'): string[] {
  if (answer.kind === 'no_answer') return ['no_answer'];
  const text = answer.kind === 'rpc_error' ? answer.message : answer.isError ? answer.text : '';
  if (!text) return [];
  const faults: string[] = [];
  if (/internal_error/.test(text)) faults.push('internal_error');
  if (DATABASE_TEXT.test(text)) faults.push('database_text');
  if (surface === 'tool' && answer.kind === 'result') {
    if (/-32602|Input validation error/.test(text)) faults.push('sdk_form');
    else if (!DOCUMENTED.test(text) && faults.length === 0) faults.push('undocumented_form');
  }
  return faults;
}

const seeded = [
  { id: 'T1', description: 'schema', phase: 'P1', tags: ['db'] },
  { id: 'T2', description: 'api', phase: 'P1', dependencies: ['T1'] },
  { id: 'T3', description: 'ui', phase: 'P2' },
  { id: 'T4', description: 'docs', phase: 'P2', dependencies: ['T2', 'T3'] },
];
const TASK_IDS = ['T1', 'T2', 'T3', 'T4', 'N1', 'N2'];
const AGENTS = ['w1', 'w2'];
/** The fields write_task_list reads; any other key of a task is kept in its metadata. */
const TASK_FIELDS = new Set(['id', 'title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'dependencies', 'estimated_complexity', 'estimate_tokens',
  'max_attempts', 'notes', 'status', 'started_at', 'completed_at', 'result', 'attempts', 'assignee', 'branch', 'commit_sha', 'used_tokens']);

describe.each(engines)('every input checked at the edge, fuzzed, on %s', (engine) => {
  let store: Store;
  let mcp: Awaited<ReturnType<typeof connectInMemory>>;
  let project: string;
  let before = '';
  const survey = new Map<string, number>();
  const examples = new Map<string, string>();

  beforeAll(async () => {
    store = await openIsolatedStore(engine);
    project = newProject('fuzz');
    mcp = await connectInMemory(store, project);
    await mcp.board.writeTaskList(project, { tasks: seeded });
    await mcp.board.nextTask(project, { agent: 'w1' });
    await mcp.lessons.record(project, { lesson: 'migrations need a lock', task_id: 'T1' }, 'w1');
    before = await dumpDatabase(store);
  });
  afterAll(async () => {
    if (SURVEY) {
      const lines = [...survey].map(([k, n]) => `${k}: ${n}   e.g. ${examples.get(k)}`);
      console.log(`fuzz survey on ${engine} (seed ${SEED}, ${RUNS} runs a surface):\n${lines.join('\n') || 'no faults'}`);
    }
    await mcp?.close();
    await store?.close();
  });

  async function answerOf(request: () => Promise<unknown>): Promise<Answer> {
    try {
      const r = (await request()) as { isError?: boolean; content?: Array<{ type: string; text?: string }> };
      const text = (r.content ?? []).map((c) => c.text ?? '').join('\n');
      return { kind: 'result', isError: Boolean(r.isError), text, value: r };
    } catch (err) {
      if (err instanceof McpError) return { kind: 'rpc_error', code: err.code, message: err.message };
      return { kind: 'no_answer', message: String(err) };
    }
  }

  const short = (v: unknown) => {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
  };

  /** Sends one request and checks its answer; a rejected one must leave the database as it was. */
  async function check(surface: 'tool' | 'prompt' | 'resource', name: string, input: unknown, request: () => Promise<unknown>, extra?: (a: Answer) => Promise<string[]>) {
    const answer = await answerOf(request);
    const faults = faultsOf(answer, surface);
    const rejected = answer.kind !== 'result' || answer.isError;
    const after = await dumpDatabase(store);
    if (rejected && after !== before) faults.push('board_changed');
    before = after;
    if (!rejected && extra) faults.push(...(await extra(answer)));
    if (faults.length === 0) return;
    const said = answer.kind === 'result' ? answer.text : answer.message;
    const report = `${surface} ${name} ${short(input)} → ${faults.join(', ')}: ${short(said)}`;
    if (!SURVEY) expect.fail(report);
    for (const f of faults) {
      const key = `${f} (${surface} ${name})`;
      survey.set(key, (survey.get(key) ?? 0) + 1);
      if (!examples.has(key)) examples.set(key, report.slice(0, 400));
    }
  }

  const callTool = (name: string, args: Record<string, unknown>, extra?: (a: Answer) => Promise<string[]>) =>
    check('tool', name, args, () => mcp.client.callTool({ name, arguments: args }), extra);

  const run = <T>(property: fc.IAsyncProperty<[T]>) => fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });

  const projectField = { valid: fc.constantFrom(undefined, 'fuzz-other'), hostile: hostileString };
  const taskId = idField(TASK_IDS);
  const agent = idField(AGENTS);

  const noteArb = {
    valid: fc.oneof(fc.string({ maxLength: 20 }), argsOf({ note: textField(), timestamp: timeField(), agent }, ['note'])),
    hostile: hostileJson,
  };
  const taskArb = fc
    .tuple(
      argsOf(
        {
          id: taskId, title: textField(), description: textField(), details: textField(), module: labelField(['api']), phase: labelField(['P1', 'P2']),
          tags: listField(labelField(['db', 'api'])), priority: priorityField(), dependencies: listField(taskId), estimated_complexity: labelField(['S', 'M']),
          estimate_tokens: intField(0, 100_000), status: statusField(), started_at: timeField(), completed_at: timeField(), result: textField(),
          attempts: intField(0, 5), max_attempts: intField(1, 5), notes: listField(noteArb), assignee: agent, branch: labelField(['main']),
          commit_sha: labelField(['abc123']), used_tokens: intField(0, 100_000),
        },
        ['id', 'description'],
      ),
      fc.oneof(fc.constant([] as Array<[string, unknown]>), extraKeys),
    )
    .map(([task, extras]) => withKeys(task, extras));

  /** An accepted write stores every task exactly as given: ids, texts and metadata keys. */
  const storedExactly = (args: Record<string, unknown>) => async (): Promise<string[]> => {
    const target = typeof args.project === 'string' ? args.project : project;
    const tasks = args.tasks as Array<Record<string, unknown>>;
    const snap = await mcp.board.snapshot(target, tasks.map((t) => t.id as string));
    const byId = new Map(snap.tasks.map((t) => [t.id, t]));
    const faults: string[] = [];
    for (const t of tasks) {
      const stored = byId.get(t.id as string);
      if (!stored || stored.description !== t.description) faults.push('altered');
      for (const key of Object.keys(t)) if (!TASK_FIELDS.has(key) && stored && !Object.hasOwn(stored.metadata, key)) faults.push('altered');
    }
    return [...new Set(faults)];
  };

  it('write_task_list', async () => {
    const tasks = { valid: fc.array(taskArb, { minLength: 1, maxLength: 4 }), hostile: fc.oneof(hostileJson, fc.constant(10_001).map((n) => Array.from({ length: n }, (_, i) => ({ id: `B${i}`, description: 'd' })))) };
    const args = argsOf({ project: { valid: fc.constantFrom('fuzz-write-a', 'fuzz-write-b'), hostile: hostileString }, tasks, mode: enumField(['merge', 'replace']) }, ['tasks']);
    await run(fc.asyncProperty(args, (a) => callTool('write_task_list', a, storedExactly(a))));
  });

  it('get_next_task', async () => {
    const args = argsOf({ project: projectField, agent, claim: boolField(), lease_seconds: intField(10, 3600), phase: labelField(['P1', 'P2']), module: labelField(['api']), tags: listField(labelField(['db'])), skip_dependencies: boolField() });
    await run(fc.asyncProperty(args, (a) => callTool('get_next_task', a)));
  });

  it('mark_task_status', async () => {
    const args = argsOf(
      { project: projectField, task_id: taskId, status: statusField(), notes: textField(), result: textField(), agent, used_tokens: intField(0, 100_000), branch: labelField(['main']), commit_sha: labelField(['abc123']), force: boolField(), expected_version: intField(0, 5) },
      ['task_id', 'status'],
    );
    await run(fc.asyncProperty(args, (a) => callTool('mark_task_status', a)));
  });

  it('read_task_breakdown', async () => {
    const args = argsOf({ project: projectField, status: enumField(['ready', 'pending', 'done', 'in-progress']), phase: labelField(['P1']), include_notes: boolField(), limit: intField(1, 500), offset: intField(0, 10) });
    await run(fc.asyncProperty(args, (a) => callTool('read_task_breakdown', a)));
  });

  it('update_task', async () => {
    const args = argsOf(
      {
        project: projectField, task_id: taskId, title: textField(), description: textField(), details: textField(), priority: priorityField(), dependencies: listField(taskId),
        tags: listField(labelField(['db'])), phase: labelField(['P1']), module: labelField(['api']), estimated_complexity: labelField(['S']), estimate_tokens: intField(0, 1000),
        max_attempts: intField(1, 5), expected_version: intField(0, 5), agent,
      },
      ['task_id'],
    );
    await run(fc.asyncProperty(args, (a) => callTool('update_task', a)));
  });

  it('heartbeat', async () => {
    const args = argsOf({ project: projectField, task_id: taskId, agent, lease_seconds: intField(10, 3600), note: textField() }, ['task_id', 'agent']);
    await run(fc.asyncProperty(args, (a) => callTool('heartbeat', a)));
  });

  it('record_lesson', async () => {
    const args = argsOf({ project: projectField, lesson: textField(), title: textField(), tags: listField(labelField(['db'])), task_id: taskId, agent, scope: enumField(['project', 'global']) }, ['lesson']);
    await run(fc.asyncProperty(args, (a) => callTool('record_lesson', a)));
  });

  it('search_lessons', async () => {
    const args = argsOf({ query: textField(), project: projectField, tags: listField(labelField(['db'])), task_id: taskId, limit: intField(1, 50), include_global: boolField() }, ['query']);
    await run(fc.asyncProperty(args, (a) => callTool('search_lessons', a)));
  });

  it('import_tracker', async () => {
    const cell = fc.oneof(fc.constantFrom('T1', 'X-1', 'done', 'todo'), hostileString).map((s) => s.replace(/[|\n]/g, ' '));
    const content = {
      valid: fc.oneof(
        fc.array(taskArb, { maxLength: 3 }).map((tasks) => JSON.stringify({ tasks })),
        fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 3 }).map((rows) => `# Tasks\n\n| ID | Task | Status |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`),
        fc.array(fc.tuple(fc.boolean(), cell), { minLength: 1, maxLength: 3 }).map((items) => `## Phase 1\n\n${items.map(([done, t]) => `- [${done ? 'x' : ' '}] ${t}`).join('\n')}\n`),
        fc.constantFrom(1000, 5000).map((n) => `{"tasks":[{"id":"DEEP","description":"d","meta":${'['.repeat(n)}${']'.repeat(n)}}]}`),
      ),
      hostile: hostileString,
    };
    const args = argsOf({ project: projectField, format: enumField(['json', 'tasks-md', 'todo', 'task-status']), content, dry_run: boolField() }, ['content']);
    await run(fc.asyncProperty(args, (a) => callTool('import_tracker', a)));
  });

  it('prompts', async () => {
    const value = fc.oneof({ arbitrary: fc.constantFrom('T1', 'T2', 'ship the invoice export'), weight: 2 }, { arbitrary: hostileString, weight: 3 }, { arbitrary: hostileJson, weight: 1 });
    const args = fc.tuple(fc.constantFrom('orchestrator', 'worker', 'architect'), fc.record({ project: value, task_id: value, goal: value }, { requiredKeys: [] }));
    await run(
      fc.asyncProperty(args.map(([name, a]) => ({ name, a })), ({ name, a }) =>
        check('prompt', name, a, () => mcp.client.getPrompt({ name, arguments: a as Record<string, string> })),
      ),
    );
  });

  it('resources', async () => {
    const encode = (s: string) => (/\p{Cs}/u.test(s) ? s : encodeURIComponent(s));
    const part = fc.oneof(
      fc.constantFrom('T1', 'T2', '%00', '%ED%A0%80', '%E0%A4%A', '%', '%2F', '..', '%5F%5Fproto%5F%5F'),
      hostileString.map(encode),
      hostileString,
    );
    const uri = fc.oneof(
      part.map((p) => `tasklane://${p}/breakdown.md`),
      fc.tuple(part, part).map(([p, t]) => `tasklane://${p}/tasks/${t}`),
      fc.constantFrom(undefined, 'default').chain(() => part.map((t) => `tasklane://${encodeURIComponent(project)}/tasks/${t}`)),
    );
    await run(fc.asyncProperty(uri, (u) => check('resource', 'read', u, () => mcp.client.readResource({ uri: u }))));
  });

  // The issue's own cases, each answered in the documented form and leaving the database as it was.
  const many = (n: number) => Array.from({ length: n }, (_, i) => `D${i}`);
  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['write_task_list', { tasks: [{ id: 'N0', description: 'a\u0000b' }] }, /^invalid_input: tasks\[0\]\.description: holds a NUL character/],
    ['get_next_task', { agent: 'w\u0000' }, /^invalid_input: agent: holds a NUL/],
    ['mark_task_status', { task_id: 'T3', status: 'done', result: 'ok\u0000' }, /^invalid_input: result: holds a NUL/],
    ['read_task_breakdown', { phase: 'P\u00001' }, /^invalid_input: phase: holds a NUL/],
    ['update_task', { task_id: 'T3', title: 't\u0000' }, /^invalid_input: title: holds a NUL/],
    ['heartbeat', { task_id: 'T1', agent: 'w1', note: '\u0000' }, /^invalid_input: note: holds a NUL/],
    ['record_lesson', { lesson: 'a\u0000' }, /^invalid_input: lesson: holds a NUL/],
    ['search_lessons', { query: 'lock\u0000' }, /^invalid_input: query: holds a NUL/],
    ['import_tracker', { content: '- [ ] a\u0000' }, /^invalid_input: content: holds a NUL/],
    ['mark_task_status', { task_id: 'x'.repeat(10_000), status: 'done' }, /^invalid_input: task_id: is 10000 characters long; the limit is 200/],
    ['update_task', { task_id: 'T3', dependencies: many(100_000) }, /^invalid_input: dependencies: has 100000 items; the limit is 1000$/],
    ['write_task_list', { tasks: [{ id: 'L1', description: 'x'.repeat(20_001) }] }, /^invalid_input: tasks\[0\]\.description: is 20001 characters long; the limit is 20000/],
    ['mark_task_status', { task_id: 'T3', status: 'blocked', used_tokens: 2 ** 31 }, /^invalid_input: used_tokens: Too big: expected number to be <=1000000000/],
    ['write_task_list', { tasks: [{ id: 'U1', description: 'd', used_tokens: 2 ** 31 }] }, /^invalid_input: tasks\[0\]\.used_tokens: expected an integer from 0 to 1000000000/],
    ['write_task_list', { tasks: [{ id: 'U2', description: 'd', estimate_tokens: 1.5 }] }, /^invalid_input: tasks\[0\]\.estimate_tokens: /],
    ['write_task_list', { tasks: [{ id: 'D1', description: 'd', status: 'done', completed_at: '+010000-01-01T00:00:00Z' }] }, /^invalid_input: [^]*completed_at: .*year 10000; times must fall in the years 1–9999/],
    ['write_task_list', { tasks: [{ id: 'D2', description: 'd', notes: [{ note: 'n', timestamp: '0000-12-31T00:00:00Z' }] }] }, /^invalid_input: [^]*timestamp: .*year 0;/],
    ['mark_task_status', { task_id: 'T3', status: '__proto__' }, /^invalid_input: status: unknown status "__proto__"/],
    ['mark_task_status', { task_id: 'T3', status: 'constructor' }, /^invalid_input: status: unknown status "constructor"/],
    ['read_task_breakdown', { status: '__proto__' }, /^invalid_input: status: unknown status "__proto__"/],
    ['update_task', { task_id: 'T3', priority: 'constructor' }, /^invalid_input: priority: "constructor" is not a priority/],
    ['write_task_list', { tasks: [{ id: 'P1', description: 'd', priority: '__proto__' }] }, /^invalid_input: [^]*priority: "__proto__" is not a priority/],
    ['write_task_list', { tasks: [{ id: 'M1', description: 'd', meta: nested(5000, 'array') }] }, /^invalid_input: tasks\[0\]\.meta: is nested deeper than 20 levels/],
    // An extra field named like a property every object inherits is checked as any other (it was taken for a declared field).
    ['write_task_list', { tasks: [{ id: 'M2', description: 'd', constructor: nested(5000, 'array') }] }, /^invalid_input: tasks\[0\]\.constructor: is nested deeper than 20 levels/],
    ['write_task_list', { tasks: [{ id: 'M3', description: 'd', toString: 'x'.repeat(100_001) }] }, /^invalid_input: tasks\[0\]: the extra fields \(kept as metadata\) are 100016 characters as JSON; the limit is 100000/],
    ['mark_task_status', { task_id: ' ', status: 'done' }, /^invalid_input: task_id: is only whitespace/],
    ['mark_task_status', { task_id: ' T3', status: 'done' }, /^invalid_input: task_id: begins or ends with whitespace/],
    ['write_task_list', { tasks: [{ id: '\u001b[31mT9', description: 'd' }] }, /^invalid_input: tasks\[0\]\.id: holds U\+001B at index 0/],
    ['write_task_list', { tasks: [{ id: 'T\u200b9', description: 'd' }] }, /^invalid_input: tasks\[0\]\.id: holds U\+200B at index 1/],
    ['get_next_task', { project: 'lone\ud800' }, /^invalid_input: project: holds a lone surrogate \(U\+D800\)/],
    ['write_task_list', { project: 'lone\udfff', tasks: [{ id: 'A', description: 'd' }] }, /^invalid_input: project: holds a lone surrogate \(U\+DFFF\)/],
    // Refused by the SDK's own schema check: the same documented form, with the field's path.
    ['read_task_breakdown', { limit: 0 }, /^invalid_input: limit: Too small/],
    ['write_task_list', { tasks: 'nope' }, /^invalid_input: tasks: Invalid input: expected array/],
    ['write_task_list', { tasks: [{ id: 'ok', description: 'd' }, { id: 7, description: 'd' }] }, /^invalid_input: tasks\[1\]\.id: Invalid input: expected string/],
    ['get_next_task', { claim: 'yes' }, /^invalid_input: claim: Invalid input: expected boolean/],
  ];

  it.each(refused.map(([tool, args, expected], i) => ({ i, tool, args, expected })))('refuses case $i ($tool) in the documented form, changing nothing', async ({ tool, args, expected }) => {
    const start = await dumpDatabase(store);
    const r = await mcp.client.callTool({ name: tool, arguments: args });
    expect(r.isError).toBe(true);
    expect((r.content as Array<{ text: string }>)[0].text).toMatch(expected);
    expect(await dumpDatabase(store)).toBe(start);
    before = start;
  });

  it('keeps a __proto__ key of a task exactly, as metadata', async () => {
    const args = JSON.parse('{"tasks":[{"id":"M2","description":"d","__proto__":{"a":1},"constructor":"c","toString":{"__proto__":[1]}}]}');
    const r = await mcp.client.callTool({ name: 'write_task_list', arguments: args });
    expect(r.isError).toBeFalsy();
    const [task] = (await mcp.board.snapshot(project, ['M2'])).tasks;
    expect(Object.getOwnPropertyNames(task.metadata).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(task.metadata, '__proto__')?.value).toEqual({ a: 1 });
    expect(JSON.stringify(task.metadata.toString)).toBe('{"__proto__":[1]}');
    const read = await mcp.client.readResource({ uri: `tasklane://${project}/tasks/M2` });
    expect((read.contents[0] as { text: string }).text).toContain('"__proto__"');
    before = await dumpDatabase(store);
  });

  it('never lets two names that differ only in a lone surrogate land on one board', async () => {
    for (const name of ['twin\ud800', 'twin\udbff']) {
      const r = await mcp.client.callTool({ name: 'write_task_list', arguments: { project: name, tasks: [{ id: 'A', description: 'd' }] } });
      expect(r.isError).toBe(true);
    }
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from projects where id like 'twin%'`.execute(store.db);
    expect(rows[0].n).toBe(0);
  });

  it('stores times at the ends of years 1–9999 exactly', async () => {
    const r = await mcp.client.callTool({
      name: 'write_task_list',
      arguments: { tasks: [{ id: 'Y1', description: 'd', status: 'done', started_at: '0001-01-01T00:00:00.000Z', completed_at: '9999-12-31T23:59:59.999Z' }] },
    });
    expect(r.isError).toBeFalsy();
    const [task] = (await mcp.board.snapshot(project, ['Y1'])).tasks;
    expect([task.started_at, task.completed_at]).toEqual(['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']);
    before = await dumpDatabase(store);
  });

  it('answers prompts and resources with a bad argument by a JSON-RPC error naming it, never database text', async () => {
    await expect(mcp.client.getPrompt({ name: 'worker', arguments: { task_id: 'T\u00001' } })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/invalid_input: task_id: holds a NUL/) });
    await expect(mcp.client.getPrompt({ name: 'orchestrator', arguments: { project: '\u0000' } })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/invalid_input: project: holds a NUL/) });
    await expect(mcp.client.readResource({ uri: 'tasklane://%00/breakdown.md' })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/invalid_input: project: holds a NUL/) });
    await expect(mcp.client.readResource({ uri: `tasklane://${project}/tasks/%ED%A0%80` })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/invalid_input: task_id: .*not valid percent-encoded UTF-8/) });
    await expect(mcp.client.getPrompt({ name: 'architect', arguments: { goall: 'a typo' } })).rejects.toMatchObject({
      code: -32602, message: expect.stringMatching(/invalid_input: goall: the prompt architect takes no such argument; did you mean goal\? \(its arguments: project, goal\)/),
    });
    await expect(mcp.client.readResource({ uri: `tasklane://${project}/tasks/NOPE` })).rejects.toMatchObject({ code: -32002, message: expect.stringMatching(/not_found: no task "NOPE"/) });
  });

  it('refuses an argument a tool does not take, naming it and the one it likely meant, and changes nothing', async () => {
    const said = async (name: string, args: Record<string, unknown>) => {
      const r = await mcp.client.callTool({ name, arguments: args });
      expect(r.isError, name).toBe(true);
      return (r.content as Array<{ text: string }>)[0].text;
    };
    expect(await said('update_task', { task_id: 'T1', descripton: 'a typo' })).toBe(
      'invalid_input: descripton: update_task takes no such argument; did you mean description? (its arguments: project, task_id, title, description, details, priority, dependencies, tags, phase, module, estimated_complexity, estimate_tokens, max_attempts, expected_version, agent)',
    );
    expect(await said('import_tracker', { path: '/etc/passwd' })).toMatch(/^invalid_input: path: import_tracker takes no such argument \(its arguments: project, format, content, dry_run\)$/);
    expect(await said('mark_task_status', { task_id: 'T1', status: 'completed', note: 'notes is the field' })).toMatch(/^invalid_input: note: mark_task_status takes no such argument; did you mean notes\?/);
    expect(await dumpDatabase(store)).toBe(before);
  });

  it('refuses import content in which nothing reads as a task, saying what it was read as', async () => {
    const r = await mcp.client.callTool({ name: 'import_tracker', arguments: { content: 'just some notes, no tracker' } });
    expect(r.isError).toBe(true);
    expect((r.content as Array<{ text: string }>)[0].text).toMatch(/^invalid_input: content: no tasks found \(read as tasks-md\); an import reads task-breakdown\.json, .* — give format json\|tasks-md\|/);
    expect(await dumpDatabase(store)).toBe(before);
  });

  it('imports a tracker whose JSON escapes a NUL by leaving that task out, with the reason', async () => {
    const r = await mcp.client.callTool({ name: 'import_tracker', arguments: { content: '{"tasks":[{"id":"J1","description":"a\\u0000b"},{"id":"J2","description":"fine"}]}' } });
    expect(r.structuredContent).toMatchObject({ created: 1, skipped_count: 1 });
    expect(JSON.stringify(r.structuredContent)).toMatch(/J1: description: holds a NUL/);
    before = await dumpDatabase(store);
  });

  it('fits the biggest calls in the default message limit: 10,000 tasks, and import content checked by its JSON size', async () => {
    const limit = loadConfig({}).maxMessageBytes;
    const tasks = Array.from({ length: LIMITS.tasks }, (_, i) => ({
      id: `BIG-${i}`, title: `Task ${i}: a title of a usual length`, description: 'x'.repeat(400), phase: `Phase ${i % 7}`, tags: ['api', 'db'],
      priority: (i % 5) + 1, dependencies: i ? [`BIG-${i - 1}`] : [], estimate_tokens: 8000,
    }));
    const request = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'write_task_list', arguments: { project: 'fuzz-big', tasks } } };
    expect(jsonBytes(request)).toBeLessThan(limit);
    // Accepted by the schema (writing 10,000 tasks is measured in bench/, not here).
    expect(z.object(writeTaskListInput).safeParse({ tasks }).success).toBe(true);
    const escaped = await mcp.client.callTool({ name: 'import_tracker', arguments: { content: '\u0001'.repeat(2_700_000) } });
    expect((escaped.content as Array<{ text: string }>)[0].text).toMatch(/^invalid_input: content: is 15\.4 MiB as JSON; the limit is 15 MiB/);
    expect(LIMITS.callBytes + 64 * 1024).toBeLessThan(limit);
    before = await dumpDatabase(store);
  });
});
