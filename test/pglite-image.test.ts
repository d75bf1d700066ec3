import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore } from '../src/db/open.js';
import { checkImage, DEFAULT_IMAGE_DIR, IMAGE_FILE, imageEntries, type ImageManifest, MANIFEST_FILE, packImage, seedFromImage, unpackImage } from '../src/db/pglite-image.js';

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
      // The board's database alone: the template databases only serve CREATE DATABASE, and cost a new folder 600 files.
      const databases = await sql<{ datname: string }>`select datname from pg_database order by 1`.execute(store.db);
      expect(databases.rows.map((r) => r.datname)).toEqual(['postgres']);
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

  it('unpacks every file byte for byte, the zeros that end a file included, and nothing else', async () => {
    const image = path.join(DEFAULT_IMAGE_DIR, IMAGE_FILE);
    const folder = path.join(root, 'unpacked');
    await unpackImage(image, folder);
    const files = (await imageEntries(image)).filter((e) => !e.dir);
    expect(files.length).toBeGreaterThan(300);
    expect(files.filter((e) => !fs.readFileSync(path.join(folder, e.name)).equals(e.data)).map((e) => e.name)).toEqual([]);
    const onDisk = fs.readdirSync(folder, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.relative(folder, path.join(e.parentPath, e.name)));
    expect(onDisk.sort()).toEqual(files.map((e) => e.name).sort());
    // The WAL segment ends in megabytes of zeros: they are not written, the file is given its length.
    const wal = files.find((e) => e.name.startsWith('pg_wal/0000'))!;
    expect(wal.data.subarray(-8192).equals(Buffer.alloc(8192))).toBe(true);
    expect(notPrivate(folder)).toEqual([]);
  });

  it('leaves nothing behind when a file cannot be written', async () => {
    const source = path.join(root, 'source');
    fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(source, `f${i}`), `file ${i}`);
    fs.writeFileSync(path.join(source, 'sub', 'inner'), 'inner');
    const whole = path.join(root, 'whole.tar.gz');
    await packImage(source, whole);
    // Without the entry of its folder, the file in `sub/` has nowhere to go.
    const tar = zlib.gunzipSync(fs.readFileSync(whole));
    const entries: Buffer[] = [];
    for (let offset = 0; offset + 512 <= tar.length && tar[offset] !== 0; ) {
      const size = parseInt(tar.subarray(offset + 124, offset + 136).toString().replace(/\0.*$/s, '').trim() || '0', 8);
      const length = 512 + Math.ceil(size / 512) * 512;
      if (tar.subarray(offset, offset + 4).toString() !== 'sub/' || tar[offset + 156] !== 0x35) entries.push(tar.subarray(offset, offset + length));
      offset += length;
    }
    const broken = path.join(root, 'broken.tar.gz');
    fs.writeFileSync(broken, zlib.gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)])));
    const dataDir = path.join(root, 'data');
    await expect(unpackImage(broken, dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.readdirSync(root).sort()).toEqual(['broken.tar.gz', 'source', 'whole.tar.gz']);
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
