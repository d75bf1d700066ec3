import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openStore } from '../../src/db/open.js';
import { offersVector, pgliteTemplate } from './pglite-template.js';
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
 * One migrated PGlite database for the whole run (kept between runs, see pglite-template.ts), as a
 * folder and as a dump: each test file clones the dump into memory (≈0.5 s instead of ≈4–7 s of
 * initdb), and end-to-end tests copy the folder for the bins they start (see data-folder.ts). Then
 * finds the Postgres server, if any.
 */
export default async function setup(project: TestProject) {
  buildDist();
  const template = await pgliteTemplate();
  project.provide('pgliteTemplate', template.dump);
  project.provide('pgliteFolderTemplate', template.folder);
  const vectorOffered = { pglite: template.vectorOffered, postgres: false };

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
  return () => server?.stop();
}

/** The end-to-end tests start the built bin: build what changed (tsc -b: about half a second when nothing did). */
function buildDist() {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: path.resolve(import.meta.dirname, '..', '..'), stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm run build failed (see above)');
}
