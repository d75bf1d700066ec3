import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requeueAllLessons } from '../src/db/embedding-jobs.js';
import type { Store } from '../src/db/open.js';
import { detectSearchCapabilities } from '../src/db/search-capabilities.js';
import { OllamaEmbeddings } from '../src/embeddings/ollama.js';
import { EmbeddingWorker } from '../src/lessons/embedding-worker.js';
import { LessonBook } from '../src/lessons/lesson-book.js';
import { createLogger } from '../src/log.js';
import { TaskBoard } from '../src/tasks/board.js';
import { CORPUS, QUERIES } from './fixtures/lessons-corpus.js';
import { newProject, openOwnStore, vectorEngines } from './helpers/engines.js';
import { FakeOllama } from './helpers/fake-ollama.js';

// Vectors need pgvector: these run on every engine whose database offers it (PGlite has it; a server
// may), each on a database of its own (the worker takes every queued job, and a re-embed queues every
// lesson). The lexical path is in lessons.test.ts, on every engine.
describe.each(vectorEngines)('lessons with embeddings on %s (stand-in Ollama)', (engine) => {
  let store: Store;
  let ollama: FakeOllama;
  let provider: OllamaEmbeddings;
  let book: LessonBook;
  let worker: EmbeddingWorker;
  const log = createLogger('silent');

  beforeAll(async () => {
    store = await openOwnStore(engine);
    ollama = await new FakeOllama().start();
    provider = new OllamaEmbeddings({ host: ollama.host, model: 'fake-embed' });
    book = new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: provider });
    worker = new EmbeddingWorker(store.db, provider, log, { backoffBaseMs: 20, backoffMaxMs: 200 });
  });
  afterAll(async () => {
    await ollama?.stop();
    await store?.close();
  });

  const job = async (lessonId: string) =>
    (await sql<{ attempts: number; last_error: string | null }>`select attempts, last_error from embedding_jobs where lesson_id = ${lessonId}`.execute(store.db)).rows[0];
  const embeddedDim = async (lessonId: string) =>
    (await sql<{ embedding_dim: number | null }>`select embedding_dim from lessons where id = ${lessonId}`.execute(store.db)).rows[0].embedding_dim;
  /** Runs the worker until the queue is empty or `tries` batches have run (backoff waits are short here). */
  const drainWithRetries = async (tries = 50) => {
    for (let i = 0; i < tries; i++) {
      await worker.drain();
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from embedding_jobs`.execute(store.db);
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('queues the embedding while Ollama is down, retries, and embeds once it is back', async () => {
    const p = newProject();
    await ollama.stop();
    const r = await book.record(p, { lesson: 'Pin the base image digest in the Dockerfile so rebuilds are reproducible' }, 'w');
    expect(r.embedding).toBe('queued');
    const failed = await worker.runOnce();
    expect(failed).toMatchObject({ taken: 1, failed: 1 });
    expect(await job(r.id)).toMatchObject({ attempts: 1, last_error: expect.stringMatching(/fetch failed|ECONNREFUSED/) });
    const meanwhile = await book.search(p, { query: 'base image digest' });
    expect(meanwhile).toMatchObject({ mode: 'lexical', lexical_reason: expect.stringMatching(/embedding provider failed/), lessons: [{ id: r.id }] });

    await ollama.start();
    await drainWithRetries();
    expect(await job(r.id)).toBeUndefined();
    expect(await embeddedDim(r.id)).toBe(64);
    const after = await book.search(p, { query: 'base image digest' });
    expect(after).toMatchObject({ mode: 'hybrid', lessons: [{ id: r.id, matched_by: 'both' }] });
    expect(after.lexical_reason).toBeUndefined();
  });

  it('says embeddings are still queued until the worker has run', async () => {
    const p = newProject();
    const r = await book.record(p, { lesson: 'Quote every shell variable in the deploy script' }, null);
    const s = await book.search(p, { query: 'shell variable quoting', include_global: false });
    expect(s).toMatchObject({ mode: 'lexical', lexical_reason: expect.stringMatching(/embeddings still queued/) });
    await drainWithRetries();
    expect((await book.search(p, { query: 'shell variable quoting', include_global: false })).lessons[0]).toMatchObject({ id: r.id });
  });

  it('refuses a vector of the wrong dimension with a clear error; the lesson stays lexical', async () => {
    const p = newProject();
    ollama.dimensions = 32;
    try {
      const r = await book.record(p, { lesson: 'Rotate the staging database password every quarter' }, null);
      const outcome = await worker.runOnce();
      expect(outcome.failed).toBe(1);
      expect((await job(r.id))?.last_error).toMatch(/model fake-embed answered 32 dimensions, but 64 are recorded for it; .*tasklane lessons reembed/);
      expect(await embeddedDim(r.id)).toBeNull();
      const s = await book.search(p, { query: 'staging database password' });
      expect(s.lessons[0]).toMatchObject({ id: r.id, matched_by: 'lexical' });
    } finally {
      ollama.dimensions = 64;
    }
    await drainWithRetries();
  });

  it('does at least as well as lexical on the relevance set, and re-embeds on demand', async () => {
    // 256 buckets: with 64, hashed words collide often enough to blur a stand-in this crude.
    ollama.modelDimensions['fake-embed-wide'] = 256;
    const wideProvider = new OllamaEmbeddings({ host: ollama.host, model: 'fake-embed-wide' });
    const wide = new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: wideProvider });
    const wideWorker = new EmbeddingWorker(store.db, wideProvider, log);
    const p = newProject('corpus');
    const lexicalBook = new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: null });
    const ids = new Map<string, string>();
    for (const l of CORPUS) ids.set(l.key, (await wide.record(p, { lesson: l.lesson, title: l.title, tags: l.tags }, null)).id);
    await wideWorker.drain();
    let lexicalHits = 0;
    let hybridHits = 0;
    for (const { query, expected } of QUERIES) {
      const lexical = await lexicalBook.search(p, { query, limit: 3, include_global: false });
      const hybrid = await wide.search(p, { query, limit: 3, include_global: false });
      expect(hybrid.mode).toBe('hybrid');
      if (lexical.lessons.some((l) => l.id === ids.get(expected))) lexicalHits++;
      if (hybrid.lessons.some((l) => l.id === ids.get(expected))) hybridHits++;
    }
    expect(lexicalHits).toBe(QUERIES.length);
    expect(hybridHits).toBeGreaterThanOrEqual(lexicalHits);

    // A model change: every lesson is queued again and embedded by the new model.
    const queued = await requeueAllLessons(store.db, 'fake-embed');
    expect(queued).toBeGreaterThanOrEqual(CORPUS.length);
    await drainWithRetries();
    const { rows } = await sql<{ model: string | null; n: number }>`select embedding_model as model, count(*)::int as n from lessons group by 1`.execute(store.db);
    expect(rows).toEqual([{ model: 'fake-embed', n: queued }]);
  });

  it('keeps the vectors in an HNSW index per dimension, on the server itself', async () => {
    const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'lessons_embedding_hnsw_64'`.execute(store.db);
    expect(rows[0]?.indexdef).toMatch(/USING hnsw .*vector_cosine_ops.*WHERE \(embedding_dim = 64\)/);
  });

  it('drops semantic matches below the similarity floor, and keeps one above it that shares no word', async () => {
    const p = newProject('floor');
    for (const l of CORPUS) await book.record(p, { lesson: l.lesson, title: l.title, tags: l.tags }, null);
    await drainWithRetries();
    const unrelated = await book.search(p, { query: 'xylophone', include_global: false });
    expect(unrelated).toMatchObject({ mode: 'hybrid', lessons: [] });
    // Without a floor, the nearest lessons to a query about nothing they contain came back as matches.
    const capabilities = await detectSearchCapabilities(store.db);
    const floorless = new LessonBook(store.db, { capabilities, embeddings: provider, minSimilarity: 0 });
    const nearest = await floorless.search(p, { query: 'xylophone', include_global: false });
    expect(nearest.lessons.length).toBeGreaterThan(0);
    expect(nearest.lessons.every((l) => l.matched_by === 'semantic')).toBe(true);

    // The stand-in puts words with the same first five letters together: near in "meaning" with no word,
    // stem or trigram in common, so only the semantic channel finds it.
    const q = newProject('near');
    const near = await book.record(q, { lesson: 'Concurrently.' }, null);
    await drainWithRetries();
    const found = await book.search(q, { query: 'concupiscence', include_global: false });
    expect(found.lessons).toEqual([expect.objectContaining({ id: near.id, matched_by: 'semantic' })]);
  });

  it('get_next_task attaches no lesson to a task that shares nothing with them, on a hybrid board', async () => {
    const p = newProject('attach');
    for (const l of CORPUS) await book.record(p, { lesson: l.lesson, title: l.title, tags: l.tags }, null);
    await drainWithRetries();
    const board = new TaskBoard(store.db, { leaseSeconds: 900 });
    await board.writeTaskList(p, {
      tasks: [
        { id: 'T1', title: 'Polish the xylophone', description: 'Polish the xylophone and its mallets' },
        { id: 'T2', title: 'Take an advisory lock around the migrations', description: 'Two replicas ran them at once', dependencies: ['T1'] },
      ],
    });
    const first = await board.nextTask(p, { agent: 'w' });
    expect(first.task?.id).toBe('T1');
    expect(first.lessons).toBeUndefined();
    await board.markTaskStatus(p, { task_id: 'T1', status: 'completed', agent: 'w' });
    const second = await board.nextTask(p, { agent: 'w' });
    expect(second.task?.id).toBe('T2');
    expect(second.lessons?.[0]?.title).toBe('Take an advisory lock before running migrations');
  });
});
