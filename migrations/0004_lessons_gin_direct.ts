import { type Kysely, sql } from 'kysely';

// Lessons are written one at a time and searched on every claim. GIN's fast-update list makes
// writes cheap by queueing them unindexed until a VACUUM, and every search meanwhile scans that
// whole queue: at 10,000 lessons a word's lookup went from ~1 ms to ~5 ms. Indexing each write at
// once suits this table better; the queue already there is flushed.
const INDEXES = ['lessons_search', 'lessons_trgm'];

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select relname as name from pg_class where relkind = 'i' and relname = any(${INDEXES}::text[])
      and relnamespace = current_schema()::regnamespace`.execute(db);
  for (const { name } of rows) {
    await sql`alter index ${sql.id(name)} set (fastupdate = off)`.execute(db);
    await sql`select gin_clean_pending_list(${name}::regclass)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of INDEXES) await sql.raw(`alter index if exists ${name} reset (fastupdate)`).execute(db);
}
