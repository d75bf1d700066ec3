// npm run build: the prepared database image a new embedded folder starts from (see src/db/pglite-image.ts):
// a PGlite folder made by initdb, migrated, closed, packed into dist/pglite-image/. Made again only when
// what shapes it changed (the migrations, the code that runs them, the PGlite packages): 5–20 s otherwise.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../src/db/schema.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore } from '../src/db/open.js';
import { databaseSourceKey } from './source-key.js';
import { currentManifest, DEFAULT_IMAGE_DIR, IMAGE_FILE, type ImageManifest, MANIFEST_FILE, packImage } from '../src/db/pglite-image.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * A board lives in the database `postgres`; template0 and template1 only serve CREATE DATABASE, which a
 * board folder never runs. Without them a new folder has 426 files to write, not 1,052 (on some disks
 * each create costs most of a millisecond, whatever the file holds).
 */
async function dropTemplateDatabases(db: Db) {
  for (const name of ['template0', 'template1']) {
    await sql.raw(`alter database ${name} is_template false`).execute(db);
    await sql.raw(`drop database ${name}`).execute(db);
  }
}

const imageKey = () => databaseSourceKey(ROOT, ['src/db/pglite-image.ts', 'scripts/build-image.ts']);

function current(key: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(DEFAULT_IMAGE_DIR, MANIFEST_FILE), 'utf8')) as ImageManifest;
    return manifest.key === key && fs.existsSync(path.join(DEFAULT_IMAGE_DIR, IMAGE_FILE));
  } catch {
    return false;
  }
}

const key = imageKey();
if (!current(key)) {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-image-'));
  const building = `${DEFAULT_IMAGE_DIR}.building-${randomUUID()}`;
  try {
    const folder = path.join(work, 'folder');
    const store = await openStore(folder, { image: null, role: 'image build' });
    try {
      await migrateToLatest(store.db);
      await dropTemplateDatabases(store.db);
    } finally {
      await store.close(); // a clean shutdown: the image opens without recovery
    }
    fs.mkdirSync(building, { recursive: true });
    await packImage(path.join(folder, 'pgdata'), path.join(building, IMAGE_FILE));
    const manifest: ImageManifest = { ...currentManifest(), key };
    fs.writeFileSync(path.join(building, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.rmSync(DEFAULT_IMAGE_DIR, { recursive: true, force: true });
    fs.renameSync(building, DEFAULT_IMAGE_DIR);
    const size = fs.statSync(path.join(DEFAULT_IMAGE_DIR, IMAGE_FILE)).size;
    console.log(`prepared database image: ${path.relative(ROOT, DEFAULT_IMAGE_DIR)} (${(size / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(building, { recursive: true, force: true });
  }
}
