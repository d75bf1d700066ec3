import { type Kysely, sql } from 'kysely';
import { type MigrationResult, type MigrationResultSet, Migrator } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';
import { DEFAULT_EMBED_MODEL } from '../embeddings/provider.js';
import { VERSION } from '../version.js';
import type { Database } from './schema.js';
import { reconcileSearchExtensions } from './search-extensions.js';

// Session-level lock around the whole run: kysely's own lock is taken after it creates its
// bookkeeping tables, so replicas starting together could still race on that first step.
const MIGRATION_LOCK = 7_420_001;

function newMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'tasklane_migrations',
    migrationLockTableName: 'tasklane_migrations_lock',
  });
}

/** The names of the migrations this build knows but the database has not applied (readiness checks). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const known = await newMigrator(db).getMigrations();
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** The database has migrations applied that this build does not know: a newer Tasklane migrated it. */
export class NewerDatabaseError extends Error {}

/**
 * Refuses a database a newer Tasklane has migrated, before anything runs on it: this build's statements
 * may not fit that schema, and Kysely's own refusal ("corrupted migrations") names neither cause nor fix.
 */
async function refuseNewerDatabase(conn: Kysely<Database>): Promise<void> {
  const { rows: [table] } = await sql<{ name: string | null }>`select to_regclass('tasklane_migrations')::text as name`.execute(conn);
  if (!table.name) return;
  const { rows } = await sql<{ name: string }>`select name from tasklane_migrations order by name`.execute(conn);
  const unknown = rows.map((r) => r.name).filter((name) => !Object.hasOwn(migrations, name));
  if (unknown.length === 0) return;
  throw new NewerDatabaseError(
    `this database was migrated by a newer Tasklane: it has ${unknown.join(', ')}, which Tasklane ${VERSION} does not know. ` +
      'Run that newer version (or a later one) on it, or point TASKLANE_DATABASE_URL at another database',
  );
}

export type MigrateOptions = {
  /** The model that lessons are queued for when the server gains pgvector (the worker's own model replaces it). */
  embedModel?: string;
  /** Told what the run created besides migrations (an extension the server now offers); see search-extensions.ts. */
  onReconciled?: (note: string) => void;
};

/** Applies every pending migration, then creates what the server offers since (returns the migrations applied). */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions = {}): Promise<string[]> {
  return underMigrationLock(db, async (conn) => {
    await refuseNewerDatabase(conn);
    const results = check(await newMigrator(conn).migrateToLatest());
    const notes = await conn.transaction().execute((trx) => reconcileSearchExtensions(trx, options.embedModel ?? DEFAULT_EMBED_MODEL));
    for (const note of notes) options.onReconciled?.(note);
    return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  });
}

/** Reverts the latest applied migration (its `down`); returns its name, or undefined when none is applied. */
export async function migrateDown(db: Kysely<Database>): Promise<string | undefined> {
  return underMigrationLock(db, async (conn) => {
    await refuseNewerDatabase(conn);
    const results = check(await newMigrator(conn).migrateDown());
    return results.find((r) => r.status === 'Success')?.migrationName;
  });
}

async function underMigrationLock<T>(db: Kysely<Database>, run: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      return await run(conn);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}

function check({ error, results }: MigrationResultSet): MigrationResult[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return results ?? [];
}
