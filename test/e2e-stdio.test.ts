import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describePostgresUrl } from '../src/db/open.js';
import { seededDataFolder } from './helpers/data-folder.js';
import { engines, newProject, offersVector } from './helpers/engines.js';
import { CLI, connectStdio, text, tokens } from './helpers/stdio-client.js';

describe.each(engines)('tasklane over stdio on %s', (engine) => {
  let session: Awaited<ReturnType<typeof connectStdio>>;
  let dataDir: string | undefined;
  beforeAll(async () => {
    if (engine === 'pglite') dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-e2e-'));
    const url = engine === 'pglite' ? seededDataFolder(path.join(dataDir!, 'board')) : process.env.TEST_DATABASE_URL!;
    // The embedded folder opened by this process itself: the board host has its own tests.
    session = await connectStdio({ TASKLANE_DATABASE_URL: url, TASKLANE_PROJECT: 'e2e-default', TASKLANE_BOARD_HOST: 'off' });
    // stderr is a pipe of its own: the start line may arrive after the answer to initialize.
    await vi.waitFor(() => expect(session.stderr()).toContain('tasklane started'), { timeout: 10_000 });
  });
  afterAll(async () => {
    await session?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs one start line to stderr naming version, transport and database, never a password', () => {
    const line = session.stderr().split('\n').find((l) => l.includes('tasklane started'));
    expect(line).toBeDefined();
    const entry = JSON.parse(line!);
    expect(entry).toMatchObject({ transport: 'stdio', project: 'e2e-default' });
    expect(entry.version).toMatch(/^\d+\.\d+\.\d+/);
    if (engine === 'pglite') expect(entry.database).toMatch(/^pglite \//);
    else expect(entry.database).toBe(`postgres ${describePostgresUrl(process.env.TEST_DATABASE_URL!)}`);
  });

  it('says once at startup that lessons search is lexical, and why', () => {
    const lines = session.stderr().split('\n').filter((l) => l.includes('lessons search is'));
    expect(lines).toHaveLength(1);
    const reason = offersVector(engine) ? /lexical: no embedding provider configured/ : /lexical: the database has no vector extension/;
    expect(JSON.parse(lines[0]).msg).toMatch(reason);
  });

  it('records and finds lessons, and refuses bad input without storing anything', async () => {
    const project = newProject('lessons');
    await session.call('write_task_list', { project, tasks: [{ id: 'T1', description: 'Build the importer' }] });
    const recorded = await session.call('record_lesson', { project, lesson: 'The CSV importer must strip the UTF-8 BOM\nExcel writes one.', tags: ['import'], task_id: 'T1' });
    expect(recorded.isError).toBeFalsy();
    expect(recorded.structuredContent).toMatchObject({ title: 'The CSV importer must strip the UTF-8 BOM', scope: 'project', embedding: 'disabled' });
    const found = await session.call('search_lessons', { project, query: 'importer BOM excel' });
    expect(found.structuredContent).toMatchObject({ mode: 'lexical', lexical_reason: expect.any(String), lessons: [{ title: 'The CSV importer must strip the UTF-8 BOM', matched_by: 'lexical', tags: ['import'] }] });
    expect(text(found)).toMatch(/lexical/);
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['search_lessons', { project, query: '' }, /query/],
      ['search_lessons', { project, query: 'bom', limit: 0 }, /limit/],
      ['search_lessons', { project, query: 'bom', limit: 10_000 }, /limit/],
      ['record_lesson', { project, lesson: 'x', task_id: 'T9' }, /^not_found: task_id: no task "T9"/],
      ['record_lesson', { project, lesson: 'y'.repeat(8001) }, /lesson/],
      ['record_lesson', { project, lesson: '   ' }, /lesson/],
    ];
    for (const [tool, args, expected] of cases) {
      const r = await session.call(tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args).slice(0, 80)}`).toBe(true);
      expect(text(r)).toMatch(expected);
      expect(text(r)).not.toMatch(/\n\s+at |\.ts:\d+|SELECT|select /);
    }
    const all = await session.call('search_lessons', { project, query: 'importer csv excel bom x y', limit: 50 });
    expect((all.structuredContent as { lessons: unknown[] }).lessons).toHaveLength(1);
  });

  it('lists every tool with a description, schemas and annotations, in under 3,000 tokens', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_next_task', 'heartbeat', 'import_tracker', 'mark_task_status', 'read_task_breakdown', 'record_lesson', 'search_lessons', 'update_task', 'write_task_list']);
    for (const t of tools) {
      expect(t.description!.length).toBeGreaterThan(40);
      expect(t.outputSchema).toBeDefined();
      // An argument a tool does not take is refused, and its schema says so.
      expect(t.inputSchema.additionalProperties, t.name).toBe(false);
      // MCP's defaults (readOnlyHint false) are left out; a tool says what differs from them.
      const readOnly = ['read_task_breakdown', 'search_lessons'].includes(t.name);
      if (readOnly) expect(t.annotations).toEqual({ readOnlyHint: true });
      else expect(t.annotations?.destructiveHint).toBeTypeOf('boolean');
    }
    for (const name of ['record_lesson', 'search_lessons']) expect(tokens(tools.find((t) => t.name === name))).toBeLessThan(300);
    expect(tokens({ tools })).toBeLessThan(3000);
  });

  it('runs the orchestrator and worker loop', async () => {
    const project = newProject('loop');
    const written = await session.call('write_task_list', {
      project,
      tasks: [
        { id: 'T1', description: 'Set up the schema', priority: 'high' },
        { id: 'T2', description: 'Build the API', dependencies: ['T1'] },
      ],
    });
    expect(written.isError).toBeFalsy();
    expect(written.structuredContent).toMatchObject({ created: 2, total_tasks: 2 });

    const next = await session.call('get_next_task', { project, agent: 'worker-1' });
    expect(next.structuredContent).toMatchObject({ claimed: true, task: { id: 'T1', status: 'in_progress', attempts: 1, assignee: 'worker-1' } });
    expect(text(next)).toMatch(/claimed T1 for worker-1/);

    const waiting = await session.call('get_next_task', { project, agent: 'worker-2' });
    expect(waiting.structuredContent).toMatchObject({ task: null, reason: 'waiting', waiting_on: [{ id: 'T1', assignee: 'worker-1' }] });

    const done = await session.call('mark_task_status', { project, task_id: 'T1', status: 'done', result: 'schema in place', notes: 'migrations apply cleanly', agent: 'worker-1' });
    expect(done.structuredContent).toMatchObject({ changed: true, from_status: 'in_progress', newly_ready: ['T2'], task: { status: 'completed', result: 'schema in place' } });

    const claimed = await session.call('get_next_task', { project });
    expect(claimed.structuredContent).toMatchObject({ task: { id: 'T2', assignee: 'test-agent' } });

    const breakdown = await session.call('read_task_breakdown', { project, include_notes: true });
    expect(breakdown.structuredContent).toMatchObject({ total_tasks: 2, completed_count: 1, in_progress_count: 1, progress_percent: 50 });
    const t1 = (breakdown.structuredContent as { tasks: Array<{ id: string; notes: Array<{ note: string; agent: string }> }> }).tasks[0];
    expect(t1.notes).toEqual([expect.objectContaining({ note: 'migrations apply cleanly', agent: 'worker-1' })]);

    const edited = await session.call('update_task', { project, task_id: 'T2', priority: 1, tags: ['api'] });
    expect(edited.structuredContent).toMatchObject({ changed: ['priority', 'tags'], task: { priority: 1, tags: ['api'] } });
  });

  it('works on the default project when none is given', async () => {
    await session.call('write_task_list', { tasks: [{ id: 'D1', description: 'default project task' }] });
    const r = await session.call('read_task_breakdown', {});
    expect(r.structuredContent).toMatchObject({ project: 'e2e-default' });
  });

  it('says so when a project was never written to, in its text and its structured content', async () => {
    const r = await session.call('read_task_breakdown', { project: 'e2e-defualt' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ total_tasks: 0, message: expect.stringMatching(/^there is no project "e2e-defualt": nothing was ever written to it/) });
    expect((r.content as Array<{ text: string }>)[0].text).toMatch(/\nthere is no project "e2e-defualt"/);
  });

  it('answers bad input with an isError result that names the field, without internals, and changes nothing', async () => {
    const project = newProject('bad');
    await session.call('write_task_list', { project, tasks: [{ id: 'T1', description: 'x' }] });
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['mark_task_status', { project, task_id: 'T1', status: 'sideways' }, /^invalid_input: status: unknown status "sideways"/],
      ['mark_task_status', { project, task_id: 'T9', status: 'done' }, /^not_found: task_id: no task "T9"/],
      ['read_task_breakdown', { project, limit: 0 }, /limit/],
      ['write_task_list', { project, tasks: [{ id: 'T2', description: 'x', dependencies: ['T7'] }] }, /"T7" names no task/],
      ['write_task_list', { project, tasks: [{ id: 'T2' }] }, /description/],
      ['update_task', { project, task_id: 'T1', dependencies: ['T1'] }, /^invalid_input: dependencies: T1 cannot depend on itself/],
    ];
    for (const [tool, args, expected] of cases) {
      const r = await session.call(tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(text(r)).toMatch(expected);
      expect(text(r)).not.toMatch(/\n\s+at |\.ts:\d+|SELECT|select /);
    }
    const after = await session.call('read_task_breakdown', { project });
    expect(after.structuredContent).toMatchObject({ total_tasks: 1, pending_count: 1 });
  });

  it('keeps a get_next_task reply under 600 tokens, with three lessons attached', async () => {
    const project = newProject('reply');
    for (let i = 0; i < 3; i++) {
      await session.call('record_lesson', {
        project,
        lesson: `Invoice PDF renderer, lesson ${i}: embed the fonts from assets/fonts, or the renderer falls back to a system font and the billing snapshot tests break. `.repeat(4),
      });
    }
    await session.call('write_task_list', {
      project,
      tasks: [
        { id: 'P1-001', title: 'Invoice PDF renderer', module: 'billing-render', phase: 'Phase 1', tags: ['pdf', 'billing'],
          description: 'Render invoices to PDF with embedded fonts, line items, totals and the tax breakdown, matching the approved design mock-up. '.repeat(2),
          details: 'Use the existing template engine; fonts live in assets/fonts; the renderer must be deterministic so that snapshot tests can compare bytes. '.repeat(2),
          estimated_complexity: 'medium', estimate_tokens: 8000, dependencies: ['P1-000'] },
        { id: 'P1-000', description: 'Schema', status: 'completed' },
      ],
    });
    const r = await session.call('get_next_task', { project, agent: 'worker-with-a-long-name-01' });
    expect((r.structuredContent as { task: { id: string } }).task.id).toBe('P1-001');
    expect((r.structuredContent as { lessons: unknown[] }).lessons).toHaveLength(3);
    expect(tokens(r)).toBeLessThan(600);
  });

  it('attaches at most 3 short lessons to the task it hands out, adding under 400 tokens', async () => {
    const project = newProject('attach');
    await session.call('write_task_list', { project, tasks: [{ id: 'T1', title: 'Invoice PDF renderer', description: 'Render invoices to PDF with embedded fonts.', module: 'billing' }] });
    for (let i = 0; i < 5; i++) {
      await session.call('record_lesson', {
        project,
        lesson: `Invoice PDF lesson ${i}: embed the fonts from assets/fonts, or the renderer falls back to a system font and the billing snapshot tests break. `.repeat(6),
      });
    }
    const peek = await session.call('get_next_task', { project, claim: false });
    const r = await session.call('get_next_task', { project, agent: 'w1' });
    const lessons = (r.structuredContent as { lessons: Array<Record<string, unknown>> }).lessons;
    expect(lessons).toHaveLength(3);
    for (const l of lessons) {
      expect(Object.keys(l).sort()).toEqual(['body', 'id', 'score', 'title']);
      expect((l.body as string).length).toBeLessThanOrEqual(300);
    }
    expect(text(r)).toMatch(/lessons: \d+ Invoice PDF lesson/);
    const { lessons: _dropped, ...withoutLessons } = r.structuredContent as Record<string, unknown>;
    expect(tokens(r) - tokens({ ...r, structuredContent: withoutLessons })).toBeLessThan(400);
    expect((peek.structuredContent as { lessons: unknown[] }).lessons).toHaveLength(3);
  });

  it('keeps a default read_task_breakdown of 1,000 tasks under 4,000 tokens', async () => {
    const project = newProject('big');
    const tasks = Array.from({ length: 1000 }, (_, i) => ({
      id: `MS-SEC-${String(i).padStart(4, '0')}`,
      title: `Harden endpoint number ${i} against injection`,
      description: `Review and fix the input validation of endpoint ${i}; add tests for malformed payloads, oversize bodies and unicode edge cases.`,
      details: 'Long details that must not appear in the listing. '.repeat(20),
      module: 'security', phase: `Phase ${1 + (i % 4)}`, tags: ['security', 'api'],
      dependencies: i > 0 ? [`MS-SEC-${String(i - 1).padStart(4, '0')}`] : [],
      status: i < 300 ? 'done' : i < 310 ? 'in-progress' : 'todo', started_at: i < 310 ? '2026-03-02T09:20:11Z' : undefined,
      completed_at: i < 300 ? '2026-03-02T10:20:11Z' : undefined, result: i < 300 ? 'Validated with zod; 12 new tests; no regressions found.' : undefined,
    }));
    const w = await session.call('write_task_list', { project, tasks });
    expect(w.structuredContent).toMatchObject({ created: 1000 });
    const r = await session.call('read_task_breakdown', { project });
    const s = r.structuredContent as { total_tasks: number; tasks: unknown[]; next_offset: number };
    expect(s.total_tasks).toBe(1000);
    expect(s.tasks.length).toBeGreaterThanOrEqual(20);
    expect(s.next_offset).toBe(s.tasks.length);
    expect(JSON.stringify(r)).not.toContain('Long details');
    expect(tokens(r)).toBeLessThan(4000);
  });

  it.runIf(engine === 'pglite')('refuses a second process on the same embedded folder, at once and clearly', () => {
    const url = path.join(dataDir!, 'board');
    const started = Date.now();
    const second = spawnSync(process.execPath, [CLI, 'status'], { env: { ...process.env, TASKLANE_DATABASE_URL: url }, encoding: 'utf8', timeout: 30_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/is in use by another tasklane process \(pid \d+/);
    expect(second.stderr).toMatch(/TASKLANE_DATABASE_URL=postgres/);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('the tasklane bin', () => {
  it('prints its commands with --help', () => {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/tasklane migrate/);
  });

  it('makes a new folder with tasklane migrate, from the prepared image, and again finds nothing to do', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-migrate-'));
    try {
      const env = { ...process.env, TASKLANE_DATABASE_URL: path.join(dir, 'db') };
      const first = spawnSync(process.execPath, [CLI, 'migrate'], { env, encoding: 'utf8' });
      expect(first.stderr).toBe('');
      // The prepared image is already migrated (a stale one falls back to initdb and applies them all: pglite-image.test.ts).
      expect(first.stdout).toBe('a new database from the prepared image\nthe database is up to date\n');
      const second = spawnSync(process.execPath, [CLI, 'migrate'], { env, encoding: 'utf8' });
      expect(second.stdout).toMatch(/up to date/);
      expect(fs.readFileSync(path.join(dir, 'db', 'tasklane.lock'), 'utf8')).toBe(''); // no holder left
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad setting by name', () => {
    const r = spawnSync(process.execPath, [CLI, 'status'], { env: { ...process.env, TASKLANE_LEASE_SECONDS: 'soon' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/TASKLANE_LEASE_SECONDS/);
  });
});
