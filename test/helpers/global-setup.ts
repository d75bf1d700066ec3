import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
 * Gives the run a home folder of its own, so that no test meets the developer's own board or board host
 * (~/.tasklane). One migrated PGlite database for the whole run (kept between runs, see
 * pglite-template.ts), as a folder and as a dump: each test file clones the dump into memory (≈0.5 s
 * instead of ≈4–7 s of initdb), and end-to-end tests copy the folder for the bins they start (see
 * data-folder.ts). Then finds the Postgres server, if any.
 */
export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-test-'));
  try {
    return await prepare(project, dir);
  } catch (err) {
    // Vitest runs no teardown for a setup that failed: the run's folder goes here.
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function prepare(project: TestProject, dir: string) {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  buildDist();
  const template = await pgliteTemplate();
  project.provide('pgliteTemplate', template.dump);
  project.provide('pgliteFolderTemplate', template.folder);
  const vectorOffered = { pglite: template.vectorOffered, postgres: false };

  const server = await findPostgresServer();
  if (server) {
    // Test files read the URL from the environment: a container's URL is put there for them.
    process.env.TEST_DATABASE_URL = server.url;
    try {
      const pg = await openStore(server.url);
      try {
        await migrateToLatest(pg.db);
        vectorOffered.postgres = await offersVector(pg);
      } finally {
        await pg.close();
      }
    } catch (err) {
      await server.stop();
      throw err;
    }
  } else {
    console.log(SKIPPED_POSTGRES_LINE);
  }
  project.provide('vectorOffered', vectorOffered);
  return async () => {
    // A test that started a board host on the default folder: stop it before the folder goes.
    spawnSync(process.execPath, [path.resolve(import.meta.dirname, '../../dist/src/cli.js'), 'host', 'stop'], { env: process.env, stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  };
}

/** The end-to-end tests start the built bin: build what changed (tsc -b: about half a second when nothing did). */
function buildDist() {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: path.resolve(import.meta.dirname, '..', '..'), stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm run build failed (see above)');
}
