import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { migrations } from '../../migrations/index.js';
import { packageRoot } from '../package-root.js';

/**
 * A new embedded database starts from an image made at build time (`npm run build`, scripts/build-image.ts):
 * a PGlite data folder, migrated and cleanly closed, as a gzipped tar in `dist/pglite-image/`. Unpacking
 * it takes a fraction of a second; PGlite's initdb and the migrations took 5–20 s on a 2-core machine.
 * The image is used only when it was made by this code's migrations and this PGlite; otherwise the
 * folder is made by initdb as before. Migrations run after either, as at every open.
 */
export type ImageManifest = { migrations: string[]; pglite: string; key?: string };

export type ImageCheck = { usable: true; file: string } | { usable: false; reason: string };

const require = createRequire(import.meta.url);

export const DEFAULT_IMAGE_DIR = path.join(packageRoot(), 'dist', 'pglite-image');
export const IMAGE_FILE = 'pgdata.tar.gz';
export const MANIFEST_FILE = 'image.json';

/** The installed PGlite's version: an image from another one may hold another Postgres catalog. */
export function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** What this code would put in an image: its migrations, in order, and the PGlite that made it. */
export function currentManifest(): ImageManifest {
  return { migrations: Object.keys(migrations), pglite: pgliteVersion() };
}

/** Whether the image in `dir` can start a new folder for this code, and if not, why. */
export function checkImage(dir: string = DEFAULT_IMAGE_DIR): ImageCheck {
  let manifest: ImageManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as ImageManifest;
  } catch {
    return { usable: false, reason: `no prepared image in ${dir}` };
  }
  const file = path.join(dir, IMAGE_FILE);
  if (!fs.existsSync(file)) return { usable: false, reason: `no prepared image in ${dir}` };
  const wanted = currentManifest();
  if (manifest.pglite !== wanted.pglite) return { usable: false, reason: `the prepared image was made by PGlite ${manifest.pglite}, this is ${wanted.pglite}` };
  if (JSON.stringify(manifest.migrations) !== JSON.stringify(wanted.migrations)) {
    return { usable: false, reason: `the prepared image's migrations (${manifest.migrations.join(', ')}) are not this code's (${wanted.migrations.join(', ')})` };
  }
  return { usable: true, file };
}

const gunzip = promisify(zlib.gunzip);
const gzip = promisify(zlib.gzip);

/** Inflated in 1 MiB chunks: at zlib's default 16 KiB, the ~26 MB took ~1,600 thread-pool turns and 3× as long. */
const INFLATE_CHUNK = 1 << 20;
/** The writing gives the event loop a turn at least this often, so that a board host keeps answering meanwhile. */
const SLICE_MS = 10;
const ZERO_BLOCK = Buffer.alloc(8192);

/**
 * Unpacks an image into `dataDir`, which must not exist: into a folder beside it first, renamed into
 * place when complete, so that an interrupted unpack never leaves a half database that looks whole.
 * Folders are made 0700 and files 0600 as they are written.
 *
 * The files are written with synchronous calls, in slices of SLICE_MS between which the event loop
 * runs: each file is a create, a write and a close, and as three thread-pool round trips each (16 at
 * once) the image's files took 1.7× as long to write; creates in one folder do not overlap anyway.
 */
export async function unpackImage(file: string, dataDir: string): Promise<void> {
  const partial = `${dataDir}.unpacking`;
  await fs.promises.rm(partial, { recursive: true, force: true });
  await fs.promises.mkdir(partial, { mode: 0o700 });
  try {
    let slice = performance.now();
    for (const entry of await imageEntries(file)) {
      const target = path.join(partial, entry.name);
      if (!target.startsWith(partial + path.sep)) throw new Error(`the prepared image holds a path outside its folder: ${entry.name}`);
      // A folder comes before the files in it (the tar's order).
      if (entry.dir) fs.mkdirSync(target, { recursive: true, mode: 0o700 });
      else writeImageFile(target, entry.data);
      if (performance.now() - slice >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    await fs.promises.rename(partial, dataDir);
  } catch (err) {
    await fs.promises.rm(partial, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Writes a file of the image up to its last 8 KiB block that is not all zeros, then sets its length: the
 * rest reads back as zeros without being written (most of the WAL segment's 16 MiB).
 */
function writeImageFile(target: string, data: Buffer): void {
  let end = data.length;
  while (end > 0) {
    const start = Math.max(0, end - ZERO_BLOCK.length);
    if (!data.subarray(start, end).equals(ZERO_BLOCK.subarray(0, end - start))) break;
    end = start;
  }
  const fd = fs.openSync(target, 'w', 0o600);
  try {
    if (end > 0) fs.writeSync(fd, data, 0, end, 0);
    if (end < data.length) fs.ftruncateSync(fd, data.length);
  } finally {
    fs.closeSync(fd);
  }
}

/** The entries of an image, in the archive's order. */
export async function imageEntries(file: string): Promise<Array<{ name: string; dir: boolean; data: Buffer }>> {
  return [...readTar(await gunzip(await fs.promises.readFile(file), { chunkSize: INFLATE_CHUNK }))];
}

/** Packs a closed data folder into an image (a gzipped ustar archive: `tar tzf` lists it). */
export async function packImage(dataDir: string, file: string): Promise<void> {
  const blocks: Buffer[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const name = prefix + entry.name;
      if (entry.isDirectory()) {
        blocks.push(tarHeader(`${name}/`, 0, '5'));
        walk(path.join(dir, entry.name), `${name}/`);
      } else if (entry.isFile()) {
        const data = fs.readFileSync(path.join(dir, entry.name));
        blocks.push(tarHeader(name, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
      }
    }
  };
  walk(dataDir, '');
  blocks.push(Buffer.alloc(1024));
  await fs.promises.writeFile(file, await gzip(Buffer.concat(blocks), { level: 9 }));
}

function tarHeader(name: string, size: number, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`image: a path longer than 100 bytes: ${name}`);
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write(type === '5' ? '0000700\0' : '0000600\0', 100);
  header.write('0000000\0', 108); // uid
  header.write('0000000\0', 116); // gid
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136); // mtime
  header.write(type, 156);
  header.write('ustar\0' + '00', 257);
  header.write('        ', 148); // the checksum counts itself as spaces
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

function* readTar(tar: Buffer): Generator<{ name: string; dir: boolean; data: Buffer }> {
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header[0] === 0) return;
    const field = (from: number, to: number) => header.subarray(from, to).toString('utf8').replace(/\0.*$/s, '');
    const name = field(0, 100);
    const size = parseInt(field(124, 136).trim() || '0', 8);
    const type = field(156, 157);
    if (type !== '0' && type !== '5' && type !== '') throw new Error(`the prepared image holds an entry of type ${type}: ${name}`);
    yield { name: name.replace(/\/$/, ''), dir: type === '5', data: tar.subarray(offset + 512, offset + 512 + size) };
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

/**
 * Before PGlite opens `dataDir`: when it holds no database yet, unpacks the image there if it suits this
 * code. Returns how the new database is made, for the log (undefined when a database is already there).
 */
export async function seedFromImage(dataDir: string, imageDir: string | null): Promise<string | undefined> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return undefined;
  // Anything else already there (not a database) is left to PGlite, as before images existed.
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) return 'a new database made by initdb (the folder was not empty)';
  if (imageDir === null) return 'a new database made by initdb';
  const check = checkImage(imageDir);
  if (!check.usable) return `a new database made by initdb: ${check.reason}`;
  try {
    await fs.promises.rm(dataDir, { recursive: true, force: true });
    await unpackImage(check.file, dataDir);
    return 'a new database from the prepared image';
  } catch (err) {
    await fs.promises.rm(dataDir, { recursive: true, force: true });
    return `a new database made by initdb: the prepared image could not be unpacked (${(err as Error).message})`;
  }
}
