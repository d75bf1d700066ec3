import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, inject } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.js';
import { type OpenOptions, openStore, type Store } from '../../src/db/open.js';
import { detectSearchCapabilities } from '../../src/db/search-capabilities.js';
import { LessonBook } from '../../src/lessons/lesson-book.js';
import { TaskBoard } from '../../src/tasks/board.js';

export type EngineName = 'pglite' | 'postgres';

/** PGlite always; the local Postgres too when TEST_DATABASE_URL is set. The same tests run on each. */
export const engines: EngineName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export async function openTestStore(engine: EngineName): Promise<Store> {
  if (engine === 'postgres') return openStore(process.env.TEST_DATABASE_URL!, { poolMax: 20 });
  const template = new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
  return openStore('memory://', { loadDataDir: template });
}

/** Whether the engine's database offers pgvector, as global setup found it: tests expect what it offers. */
export const offersVector = (engine: EngineName): boolean => inject('vectorOffered')[engine];

/** The engines on which lessons are embedded and searched by meaning. */
export const vectorEngines = engines.filter(offersVector);

/**
 * A migrated database of its own, for a file whose work spans the whole database (every queued
 * embedding, every table): a PGlite clone, or a new database on the server (its role needs CREATEDB),
 * dropped on close.
 */
export async function openOwnStore(engine: EngineName, options: OpenOptions = {}): Promise<Store> {
  if (engine === 'pglite') return openTestStore(engine);
  const serverUrl = process.env.TEST_DATABASE_URL!;
  // Named after the test database, so that it keeps to whatever naming its server's users agreed on.
  const name = `${new URL(serverUrl).pathname.slice(1) || 'tasklane'}_own_${randomUUID().replaceAll('-', '').slice(0, 8)}`.slice(0, 63);
  const admin = await openStore(serverUrl, { poolMax: 1 });
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await openStore(url.href, { poolMax: 20, ...options });
  await migrateToLatest(store.db);
  return {
    ...store,
    close: async () => {
      await store.close();
      const drop = await openStore(serverUrl, { poolMax: 1 });
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(drop.db);
      } finally {
        await drop.close();
      }
    },
  };
}

export function testBoard(store: Store, leaseSeconds = 900) {
  return new TaskBoard(store.db, { leaseSeconds });
}

/** Tests share a database per file and keep out of each other's way by project. */
export const newProject = (label = 'p') => `${label}-${randomUUID().slice(0, 8)}`;

/** The exact unmet_deps of every task, counted from scratch. */
export async function recountMismatches(store: Store, project: string) {
  const { rows } = await sql<{ id: string; unmet_deps: number; actual: number }>`
    select t.id, t.unmet_deps, (
      select count(*)::int from task_dependencies d join tasks dep on dep.project_id = d.project_id and dep.id = d.depends_on
      where d.project_id = t.project_id and d.task_id = t.id and dep.status <> 'completed') as actual
    from tasks t where t.project_id = ${project}`.execute(store.db);
  return rows.filter((r) => r.unmet_deps !== r.actual);
}

/**
 * Opens one store and board for the enclosing describe block, closed after it. `ownDatabase`: for a
 * file whose work spans every project (the lease reaper): files run in parallel, and the bins and
 * replicas other files start on the shared server database reap its leases too.
 */
export function useTestBoard(engine: EngineName, options: { ownDatabase?: boolean } = {}) {
  const ctx = {} as { store: Store; board: TaskBoard };
  beforeAll(async () => {
    ctx.store = options.ownDatabase ? await openOwnStore(engine) : await openTestStore(engine);
    ctx.board = testBoard(ctx.store);
  });
  afterAll(() => ctx.store?.close());
  return ctx;
}

/** A lessons engine on the store, lexical (no embedding provider). */
export async function testLessons(store: Store) {
  return new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: null });
}
