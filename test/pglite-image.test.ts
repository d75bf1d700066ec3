import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore } from '../src/db/open.js';
import { checkImage, DEFAULT_IMAGE_DIR, IMAGE_FILE, type ImageManifest, MANIFEST_FILE, seedFromImage } from '../src/db/pglite-image.js';

const CODE_MIGRATIONS = Object.keys(migrations);

/** Every entry under `folder` that is not its owner's alone (folders 0700, files 0600). */
function notPrivate(folder: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const mode = fs.statSync(file).mode & 0o777;
    if (mode !== (entry.isDirectory() ? 0o700 : 0o600)) found.push(`${path.relative(folder, file)} ${mode.toString(8)}`);
  }
  return found;
}

/** A copy of the built image whose manifest says something else. */
function imageCopy(root: string, change: Partial<ImageManifest>): string {
  const dir = path.join(root, `image-${Object.keys(change).join('-')}`);
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(DEFAULT_IMAGE_DIR, IMAGE_FILE), path.join(dir, IMAGE_FILE));
  const manifest = JSON.parse(fs.readFileSync(path.join(DEFAULT_IMAGE_DIR, MANIFEST_FILE), 'utf8')) as ImageManifest;
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, ...change }));
  return dir;
}

describe('the prepared database image a new embedded folder starts from', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-image-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is built with the code and made by its migrations', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(DEFAULT_IMAGE_DIR, MANIFEST_FILE), 'utf8')) as ImageManifest;
    expect(manifest.migrations).toEqual(CODE_MIGRATIONS);
    expect(checkImage()).toMatchObject({ usable: true });
  });

  it('starts a new folder migrated, its owner’s alone, and the folder is opened, not replaced, next time', async () => {
    const folder = path.join(root, 'new');
    const store = await openStore(folder);
    try {
      expect(store.created).toBe('a new database from the prepared image');
      expect(await migrateToLatest(store.db)).toEqual([]); // migrations still run after loading: nothing left to apply
      const { rows } = await sql<{ extname: string }>`select extname from pg_extension order by 1`.execute(store.db);
      expect(rows.map((r) => r.extname)).toEqual(['pg_trgm', 'plpgsql', 'vector']);
      await sql`insert into projects (id, name) values ('kept', 'kept')`.execute(store.db);
      expect(notPrivate(folder)).toEqual([]);
    } finally {
      await store.close();
    }
    expect(fs.readdirSync(folder).filter((f) => f.includes('unpacking'))).toEqual([]);
    const again = await openStore(folder);
    try {
      expect(again.created).toBeUndefined();
      const { rows } = await sql<{ id: string }>`select id from projects where id = 'kept'`.execute(again.db);
      expect(rows).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('is not used when missing, made by other migrations or another PGlite, or unreadable', async () => {
    expect(checkImage(path.join(root, 'none'))).toEqual({ usable: false, reason: expect.stringMatching(/^no prepared image in /) });
    const older = imageCopy(root, { migrations: CODE_MIGRATIONS.slice(0, -1) });
    expect(checkImage(older)).toEqual({ usable: false, reason: expect.stringContaining("the prepared image's migrations") });
    expect(checkImage(imageCopy(root, { pglite: '0.0.1' }))).toEqual({ usable: false, reason: expect.stringContaining('made by PGlite 0.0.1') });
    const broken = imageCopy(root, {});
    fs.writeFileSync(path.join(broken, IMAGE_FILE), 'not a gzip');
    const dataDir = path.join(root, 'broken', 'pgdata');
    fs.mkdirSync(path.dirname(dataDir));
    expect(await seedFromImage(dataDir, broken)).toMatch(/^a new database made by initdb: the prepared image could not be unpacked/);
    expect(fs.readdirSync(path.dirname(dataDir))).toEqual([]); // nothing half made is left behind
  });

  it('falls back to initdb and every migration when the image is stale', async () => {
    const stale = imageCopy(root, { migrations: CODE_MIGRATIONS.slice(0, -1) });
    const store = await openStore(path.join(root, 'fallback'), { image: stale });
    try {
      expect(store.created).toMatch(/^a new database made by initdb: the prepared image's migrations/);
      expect(await migrateToLatest(store.db)).toEqual(CODE_MIGRATIONS);
    } finally {
      await store.close();
    }
  }, 180_000);
});
