import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openStore, type Store } from '../../src/db/open.js';
import { findPostgresServer, SKIPPED_POSTGRES_LINE } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgliteFolderTemplate: string;
    /** Whether each engine's database offers pgvector (the Postgres half's expectations follow it). */
    vectorOffered: { pglite: boolean; postgres: boolean };
  }
}

/**
 * Builds one migrated PGlite database for the whole run, as a folder and as a dump: each test file
 * clones the dump into memory (≈0.5 s instead of ≈4–7 s of initdb), and end-to-end tests copy the
 * folder for the bins they start (see data-folder.ts). Then finds the Postgres server, if any.
 */
export default async function setup(project: TestProject) {
  buildDist();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-test-'));
  const folder = path.join(dir, 'template');
  const store = await openStore(folder);
  await migrateToLatest(store.db);
  const pglite = await dumpOf(store);
  const file = path.join(dir, 'template.tar');
  fs.writeFileSync(file, Buffer.from(await pglite.arrayBuffer()));
  const vectorOffered = { pglite: await offersVector(store), postgres: false };
  await store.close();
  project.provide('pgliteTemplate', file);
  project.provide('pgliteFolderTemplate', folder);

  const server = await findPostgresServer();
  if (server) {
    // Test files read the URL from the environment: a container's URL is put there for them.
    process.env.TEST_DATABASE_URL = server.url;
    const pg = await openStore(server.url);
    await migrateToLatest(pg.db);
    vectorOffered.postgres = await offersVector(pg);
    await pg.close();
  } else {
    console.log(SKIPPED_POSTGRES_LINE);
  }
  project.provide('vectorOffered', vectorOffered);
  return async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** The end-to-end tests start the built bin: build what changed (tsc -b: about half a second when nothing did). */
function buildDist() {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: path.resolve(import.meta.dirname, '..', '..'), stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm run build failed (see above)');
}

async function offersVector(store: Store): Promise<boolean> {
  const { rows } = await sql`select 1 from pg_available_extensions where name = 'vector'`.execute(store.db);
  return rows.length > 0;
}

async function dumpOf(store: Store): Promise<Blob> {
  if (!store.dumpDataDir) throw new Error('the template store is not PGlite');
  return store.dumpDataDir();
}
