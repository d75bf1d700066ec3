import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Kysely, PostgresDialect } from 'kysely';
import { type HeldLock, lockFolder } from './folder-lock.js';
import { PreparedPGliteDialect } from './pglite-driver.js';
import { type ConnectionListener, openResilientPool } from './pg-pool.js';
import { listenForChanges } from './notify.js';
import { makeFolderPrivate } from './private-folder.js';
import { DEFAULT_IMAGE_DIR, seedFromImage } from './pglite-image.js';
import type { Database } from './schema.js';
import { isPostgresUrl } from '../local-settings.js';

export type Engine = 'pglite' | 'postgres';

export type Store = {
  db: Kysely<Database>;
  engine: Engine;
  /** Where the data lives, safe to log: a folder, `memory`, or host:port/database (never a password). */
  location: string;
  close(): Promise<void>;
  /** PGlite on a folder that held no database: how this open made it (from the prepared image, or by initdb and why). */
  created?: string;
  /** PGlite only: the whole data directory as a tarball (templates, backups). */
  dumpDataDir?: () => Promise<Blob>;
  /** Postgres only: receive the change notifications of every replica on a dedicated connection. */
  listenForChanges?: (onPayload: (payload: string) => void, onError: (err: unknown) => void) => Promise<() => Promise<void>>;
  /** Postgres only: hear when the connection to the server is lost and when it is back; returns the unsubscribe. */
  onConnectionEvent?: (listener: ConnectionListener) => () => void;
};

export type OpenOptions = {
  poolMax?: number;
  /** Postgres: run parameterised statements as named prepared statements (default on). */
  prepared?: boolean;
  /** A PGlite data directory dump to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob;
  /** A new embedded folder starts from the prepared image in this folder (default: the package's; null: none, initdb). */
  image?: string | null;
  /** An embedded folder: what this process is, for the lock's note (`tasklane status`, `board host`). */
  role?: string;
  /** An embedded folder whose lock the caller already holds (the board host locks before it opens); released on close. */
  lock?: HeldLock;
  /**
   * PGlite in a one-shot command: compile its WASM with the baseline compiler only. Optimising it costs
   * more CPU than a short run gains back: `tasklane status` took 0.9 s of CPU instead of 1.6 s, an import
   * of 5,000 tasks 2.5 s instead of 3.8 s. A long-lived server keeps V8's default (it tiers up hot code).
   */
  quickStart?: boolean;
};

export { isPostgresUrl };

export function describePostgresUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  if (isPostgresUrl(url)) return openPostgres(url, options);
  return openPglite(url, options);
}

async function openPostgres(url: string, options: OpenOptions): Promise<Store> {
  const { pool, onConnectionEvent } = openResilientPool(url, { max: options.poolMax ?? 10, prepared: options.prepared !== false });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    location: describePostgresUrl(url),
    listenForChanges: (onPayload, onError) => listenForChanges(url, onPayload, onError),
    onConnectionEvent,
    close: () => db.destroy(),
  };
}

async function openPglite(url: string, options: OpenOptions): Promise<Store> {
  if (options.quickStart) v8.setFlagsFromString('--liftoff-only');
  const inMemory = url === 'memory://' || url.startsWith('memory://');
  let unlock = () => options.lock?.release();
  let dataDir: string | undefined;
  if (!inMemory) {
    const folder = path.resolve(url.replace(/^file:\/\//, ''));
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!options.lock) {
      const lock = lockFolder(folder, options.role ?? 'tasklane');
      unlock = () => lock.release();
    }
    dataDir = path.join(folder, 'pgdata');
  }
  try {
    // Loaded only when needed (the WASM bundle is large and a server never uses it), while a new
    // folder is unpacked: the one is this thread's work, the other mostly the file system's.
    const modules = Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
    ]);
    modules.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
    // The folder is closed to others before PGlite writes in it (it may have been left 0755); then
    // everything in it is made owner-only, what PGlite just wrote (initdb's files, a loaded dump) included.
    if (dataDir) fs.chmodSync(path.dirname(dataDir), 0o700);
    const created = dataDir && !options.loadDataDir ? await seedFromImage(dataDir, options.image === undefined ? DEFAULT_IMAGE_DIR : options.image) : undefined;
    const [{ PGlite }, { vector }, { pg_trgm }] = await modules;
    const pglite = await PGlite.create({ dataDir, extensions: { vector, pg_trgm }, loadDataDir: options.loadDataDir });
    if (dataDir) {
      try {
        makeFolderPrivate(path.dirname(dataDir));
      } catch (err) {
        await pglite.close().catch(() => {});
        throw err;
      }
    }
    const db = new Kysely<Database>({ dialect: new PreparedPGliteDialect(pglite) });
    return {
      db,
      engine: 'pglite',
      location: dataDir ? path.dirname(dataDir) : 'memory',
      created,
      dumpDataDir: async () => (await pglite.dumpDataDir('none')) as Blob,
      close: async () => {
        try {
          await db.destroy();
          if (!pglite.closed) await pglite.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
