import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore } from '../src/db/open.js';
import { PreparedPGliteDialect } from '../src/db/pglite-driver.js';
import type { Database } from '../src/db/schema.js';
import { detectSearchCapabilities } from '../src/db/search-capabilities.js';
import { LessonBook } from '../src/lessons/lesson-book.js';
import { FakeOllama } from './helpers/fake-ollama.js';
import { CLI } from './helpers/stdio-client.js';

const LESSONS = [
  'Pin the base image digest in the Dockerfile so rebuilds are reproducible',
  'Quote every shell variable in the deploy script',
  'Run migrations under an advisory lock',
];

/**
 * A database migrated on a server without pgvector, which gains it later. PGlite stands in for that
 * server: opened once without the vector extension (not loaded, so not available), the migrations
 * make the lexical schema; tasklane opens its folders with the extension, as a server that installed it.
 */
describe('a database that gains pgvector after it was migrated', () => {
  let root: string;
  let lexicalFolder: string;
  const copy = (name: string) => {
    const folder = path.join(root, name);
    fs.cpSync(lexicalFolder, folder, { recursive: true });
    return folder;
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-gain-vectors-'));
    lexicalFolder = path.join(root, 'lexical');
    fs.mkdirSync(lexicalFolder, { mode: 0o700 });
    const pglite = await PGlite.create({ dataDir: path.join(lexicalFolder, 'pgdata'), extensions: { pg_trgm } });
    const db = new Kysely<Database>({ dialect: new PreparedPGliteDialect(pglite) });
    try {
      await migrateToLatest(db);
      const capabilities = await detectSearchCapabilities(db);
      expect(capabilities).toEqual({ trigram: true, vector: false });
      const book = new LessonBook(db, { capabilities, embeddings: null });
      for (const lesson of LESSONS) await book.record('gain', { lesson }, null);
    } finally {
      await db.destroy();
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const migrateBin = (folder: string) =>
    spawnSync(process.execPath, [CLI, 'migrate'], { env: { ...process.env, TASKLANE_DATABASE_URL: folder, TASKLANE_LOG_LEVEL: 'warn' }, encoding: 'utf8' });

  it('tasklane migrate adds the embedding column, queues the lessons and says so', async () => {
    const folder = copy('migrate');
    const first = migrateBin(folder);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('pgvector is now installed: lessons can be searched by meaning; 3 existing lessons queued for embedding\n');

    const store = await openStore(folder);
    try {
      expect(await detectSearchCapabilities(store.db)).toEqual({ trigram: true, vector: true });
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from embedding_jobs`.execute(store.db);
      expect(rows[0].n).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('startup reconciles too, says so once in the log, and the lessons are then found by meaning', async () => {
    const folder = copy('startup');
    const ollama = await new FakeOllama().start();
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const config = loadConfig({ TASKLANE_DATABASE_URL: folder, TASKLANE_PROJECT: 'gain', OLLAMA_HOST: ollama.host, TASKLANE_EMBED_MODEL: 'fake-embed' });
    const app = await startApp(config, log);
    try {
      const said = lines.map((l) => JSON.parse(l).msg as string).filter((m) => m.includes('pgvector'));
      expect(said).toEqual(['pgvector is now installed: lessons can be searched by meaning; 3 existing lessons queued for embedding']);
      expect(app.embeddingWorker).not.toBeNull();
      expect(await app.embeddingWorker!.drain()).toMatchObject({ embedded: 3, failed: 0 });
      const found = await app.lessons.search('gain', { query: 'base image digest', include_global: false });
      expect(found).toMatchObject({ mode: 'hybrid', lessons: [{ body: LESSONS[0], matched_by: 'both' }] });
      const again: string[] = [];
      await migrateToLatest(app.store.db, { onReconciled: (n) => again.push(n) });
      expect(again).toEqual([]);
    } finally {
      await app.close();
      await ollama.stop();
    }
  });
});
