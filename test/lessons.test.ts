import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/db/open.js';
import { detectSearchCapabilities } from '../src/db/search-capabilities.js';
import { LessonBook } from '../src/lessons/lesson-book.js';
import { TaskBoard } from '../src/tasks/board.js';
import { DomainError } from '../src/tasks/errors.js';
import { CORPUS, QUERIES } from './fixtures/lessons-corpus.js';
import { engines, newProject, openTestStore, testBoard } from './helpers/engines.js';

describe.each(engines)('lessons on %s (lexical)', (engine) => {
  let store: Store;
  let book: LessonBook;
  let board: TaskBoard;
  const corpusProject = newProject('corpus');
  const ids = new Map<string, string>();

  beforeAll(async () => {
    store = await openTestStore(engine);
    book = new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: null });
    board = testBoard(store);
    for (const l of CORPUS) ids.set(l.key, (await book.record(corpusProject, { lesson: l.lesson, title: l.title, tags: l.tags }, 'writer')).id);
  });
  afterAll(() => store?.close());

  const lessonCount = async (project: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from lessons where project_id = ${project}`.execute(store.db)).rows[0].n);

  it('detects what the database offers: trigram and vectors where the server has the extensions', async () => {
    const caps = await detectSearchCapabilities(store.db);
    const { rows } = await sql<{ name: string }>`select name from pg_available_extensions where name in ('pg_trgm', 'vector')`.execute(store.db);
    const offered = new Set(rows.map((r) => r.name));
    expect(caps).toEqual({ trigram: offered.has('pg_trgm'), vector: offered.has('vector') });
    expect(caps.trigram).toBe(true);
  });

  it('records a lesson, titled by its first line cut to 120 characters, with embedding disabled', async () => {
    const p = newProject();
    const first = 'Always run the linter before committing because the pre-commit hook is not installed on fresh clones of this repository, ever';
    const r = await book.record(p, { lesson: `${first}\nsecond line`, tags: ['ci', 'ci'] }, 'agent-7');
    expect(r).toEqual({ id: expect.any(String), title: first.slice(0, 120), scope: 'project', embedding: 'disabled' });
    expect(r.id).toMatch(/^\d+$/);
    const found = await book.search(p, { query: 'linter pre-commit hook' });
    expect(found.lessons[0]).toMatchObject({ id: r.id, body: `${first}\nsecond line`, tags: ['ci'], created_by: 'agent-7', matched_by: 'lexical' });
  });

  it('says why search is lexical', async () => {
    const r = await book.search(corpusProject, { query: 'deadlock' });
    expect(r.mode).toBe('lexical');
    const { vector } = await detectSearchCapabilities(store.db);
    expect(r.lexical_reason).toMatch(vector ? /no embedding provider configured/ : /no vector extension/);
  });

  it('refuses an unknown task_id and stores nothing', async () => {
    const p = newProject();
    await board.writeTaskList(p, { tasks: [{ id: 'T1', description: 'x' }] });
    const err = await book.record(p, { lesson: 'something learned', task_id: 'T9' }, null).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.message).toMatch(/task_id: no task "T9"/);
    expect(await lessonCount(p)).toBe(0);
    await expect(book.search(p, { query: 'x', task_id: 'T9' })).rejects.toThrow(/no task "T9"/);
    const ok = await book.record(p, { lesson: 'the T1 parser needs a BOM check', task_id: 'T1' }, null);

    expect((await book.search(p, { query: 'parser', task_id: 'T1' })).lessons.map((l) => l.id)).toEqual([ok.id]);
  });

  it.each(QUERIES)('finds the expected lesson in the top 3 for "$query"', async ({ query, expected }) => {
    const r = await book.search(corpusProject, { query, limit: 3, include_global: false });
    expect(r.lessons.map((l) => l.id)).toContain(ids.get(expected));
  });

  it('finds a lesson from misspelt words', async () => {
    const r = await book.search(corpusProject, { query: 'advisroy lok migratoins', limit: 3, include_global: false });
    expect(r.lessons[0]?.id).toBe(ids.get('migration-lock'));
    const partial = await book.search(corpusProject, { query: 'idempot', limit: 3, include_global: false });
    expect(partial.lessons[0]?.id).toBe(ids.get('retry-idempotency'));
  });

  it('filters by tags and keeps limit', async () => {
    const r = await book.search(corpusProject, { query: 'tests fail', tags: ['flaky'], limit: 2, include_global: false });
    expect(r.lessons).toHaveLength(2);
    for (const l of r.lessons) expect(l.tags).toContain('flaky');
  });

  it('shares global lessons across projects, unless include_global is false', async () => {
    const a = newProject('a');
    const b = newProject('b');
    // The server database outlives test runs: a word of its own keeps earlier global lessons out.
    const printer = `zebra${a.replace(/[^a-z0-9]/g, '')}`;
    const g = await book.record(a, { lesson: `Quarantine the ${printer} driver before upgrading the kernel`, scope: 'global' }, null);
    expect(g.scope).toBe('global');
    expect((await book.search(b, { query: printer })).lessons.map((l) => l.id)).toEqual([g.id]);
    expect((await book.search(b, { query: printer, include_global: false })).lessons).toEqual([]);
    expect((await book.search(newProject(), { query: printer, include_global: true })).lessons[0]).toMatchObject({ id: g.id, scope: 'global' });
  });

  it('attaches up to 3 relevant lessons to the task get_next_task hands out, this project first', async () => {
    const p = newProject('attach');
    const local = await book.record(p, { lesson: 'Backfill the orders table in batches of 10,000 rows to keep replication lag low' }, null);
    await board.writeTaskList(p, { tasks: [{ id: 'T1', title: 'Add a not null column to the orders table', description: 'Migration: add currency to orders, backfill, then NOT NULL.', module: 'database' }] });
    const withCorpus = new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: null });
    for (const l of CORPUS.slice(0, 3)) await withCorpus.record(p, { lesson: l.lesson, title: l.title, scope: 'global' }, null);
    const r = await board.nextTask(p, { agent: 'w' });
    expect(r.task?.id).toBe('T1');
    expect(r.lessons!.length).toBeGreaterThan(0);
    expect(r.lessons!.length).toBeLessThanOrEqual(3);
    expect(r.lessons![0].id).toBe(local.id);
    expect(r.lessons!.map((l) => l.title)).toContain('Adding a NOT NULL column to a big table');
    for (const l of r.lessons!) {
      expect(Object.keys(l).sort()).toEqual(['body', 'id', 'score', 'title']);
      expect(l.body.length).toBeLessThanOrEqual(300);
    }
    const without = new TaskBoard(store.db, { leaseSeconds: 900, attachLessons: false });
    await board.markTaskStatus(p, { task_id: 'T1', status: 'pending', force: true });
    expect((await without.nextTask(p, { agent: 'w' })).lessons).toBeUndefined();
  });

  it('attaches nothing when no lesson matches', async () => {
    const p = newProject('none');
    await board.writeTaskList(p, { tasks: [{ id: 'T1', description: 'qwxz frobnicate the blorp' }] });
    const r = await board.nextTask(p, { agent: 'w' });
    expect(r.task?.id).toBe('T1');
    expect(r.lessons).toBeUndefined();
  });
});
