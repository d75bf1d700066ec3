import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { databaseSourceKey } from '../../scripts/source-key.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openStore, type Store } from '../../src/db/open.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CACHE = path.join(ROOT, '.cache', 'test-template');

export type PgliteTemplate = {
  /** A migrated data folder as tasklane makes one (the database in `pgdata`): copied for the bins. */
  folder: string;
  /** The same database dumped (dumpDataDir): loaded into memory by each test file. */
  dump: string;
  vectorOffered: boolean;
};

/**
 * The run's migrated PGlite database, kept between runs in .cache/test-template under a key made of
 * what shapes it (the migrations, the code that runs them, the PGlite packages): a run that finds its
 * key skips initdb and every migration, 5–7 s of CPU that `npx vitest run one.test.ts` paid each time.
 */
export async function pgliteTemplate(): Promise<PgliteTemplate> {
  const dir = path.join(CACHE, templateKey());
  if (!fs.existsSync(path.join(dir, 'meta.json'))) await buildTemplate(dir);
  const { vectorOffered } = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { vectorOffered: boolean };
  return { folder: path.join(dir, 'folder'), dump: path.join(dir, 'template.tar'), vectorOffered };
}

const templateKey = () => databaseSourceKey(ROOT);

/** Builds beside the cache, then renames into place: runs racing to build it never see half a template. */
async function buildTemplate(dir: string): Promise<void> {
  const building = path.join(CACHE, `building-${randomUUID()}`);
  fs.mkdirSync(path.join(building, 'folder'), { recursive: true, mode: 0o700 });
  const store = await openStore(path.join(building, 'folder'));
  try {
    await migrateToLatest(store.db);
    const dump = await store.dumpDataDir!();
    fs.writeFileSync(path.join(building, 'template.tar'), Buffer.from(await dump.arrayBuffer()));
    fs.writeFileSync(path.join(building, 'meta.json'), JSON.stringify({ vectorOffered: await offersVector(store) }));
  } finally {
    await store.close();
  }
  // Templates of other keys are stale; a build left by a run that died an hour ago too.
  for (const entry of fs.readdirSync(CACHE)) {
    const abandoned = entry.startsWith('building-') && Date.now() - fs.statSync(path.join(CACHE, entry)).mtimeMs > 3_600_000;
    if (abandoned || (!entry.startsWith('building-') && entry !== path.basename(dir))) fs.rmSync(path.join(CACHE, entry), { recursive: true, force: true });
  }
  try {
    fs.renameSync(building, dir);
  } catch {
    fs.rmSync(building, { recursive: true, force: true }); // another run renamed its own first
  }
}

export async function offersVector(store: Store): Promise<boolean> {
  const { rows } = await sql`select 1 from pg_available_extensions where name = 'vector'`.execute(store.db);
  return rows.length > 0;
}
