import { sql } from 'kysely';
import type { Db } from './schema.js';

/**
 * Migration 0002 creates the trigram index and the embedding column only where the server offers
 * pg_trgm and pgvector at that moment, and a migration runs once: a database migrated before the
 * extension was installed stayed lexical for good. This runs after every migration run (startup and
 * `tasklane migrate`) and creates what the server now offers; each note says what it did, once.
 */
export async function reconcileSearchExtensions(db: Db, embedModel: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select name from pg_available_extensions where name in ('pg_trgm', 'vector')`.execute(db);
  const available = new Set(rows.map((r) => r.name));
  const state = await searchObjects(db);
  const notes: string[] = [];
  if (available.has('pg_trgm') && !state.trigramIndex) {
    const note = await addTrigramIndex(db);
    if (note) notes.push(note);
  }
  if (available.has('vector') && !state.embeddingColumn) {
    const note = await addEmbeddingColumn(db, embedModel);
    if (note) notes.push(note);
  }
  return notes;
}

async function searchObjects(db: Db): Promise<{ trigramIndex: boolean; embeddingColumn: boolean }> {
  const { rows } = await sql<{ trigram_index: boolean; embedding_column: boolean }>`
    select
      exists (select 1 from pg_indexes where schemaname = current_schema() and tablename = 'lessons' and indexname = 'lessons_trgm') as trigram_index,
      exists (select 1 from information_schema.columns
              where table_schema = current_schema() and table_name = 'lessons' and column_name = 'embedding') as embedding_column`.execute(db);
  return { trigramIndex: rows[0].trigram_index, embeddingColumn: rows[0].embedding_column };
}

async function addTrigramIndex(db: Db): Promise<string | null> {
  if (!(await createExtension(db, 'pg_trgm'))) return 'pg_trgm is available but this role cannot create it: lessons search matches no misspelt words until an administrator runs CREATE EXTENSION pg_trgm';
  // As migrations 0002 and 0004 make it: indexed at each write (no fast-update list).
  await sql`create index if not exists lessons_trgm on lessons using gin ((title || ' ' || body) gin_trgm_ops) with (fastupdate = off)`.execute(db);
  return 'pg_trgm is now installed: lessons search matches misspelt and partial words';
}

async function addEmbeddingColumn(db: Db, embedModel: string): Promise<string | null> {
  if (!(await createExtension(db, 'vector'))) return 'pgvector is available but this role cannot create it: lessons search stays lexical until an administrator runs CREATE EXTENSION vector';
  // The column as migration 0002 makes it: `vector` without a dimension (see the note there).
  await sql`alter table lessons add column if not exists embedding vector`.execute(db);
  const { rows } = await sql<{ n: number }>`
    with queued as (
      insert into embedding_jobs (lesson_id, model) select id, ${embedModel} from lessons
      on conflict (lesson_id) do nothing
      returning 1
    ) select count(*)::int as n from queued`.execute(db);
  const n = rows[0]?.n ?? 0;
  return `pgvector is now installed: lessons can be searched by meaning; ${n} existing lesson${n === 1 ? '' : 's'} queued for embedding`;
}

/** A role without the right to create the extension keeps what it has instead of failing the run. */
async function createExtension(db: Db, name: 'pg_trgm' | 'vector'): Promise<boolean> {
  await sql
    .raw(`do $$ begin
      create extension if not exists ${name};
    exception when insufficient_privilege then
      raise notice 'tasklane: cannot create extension ${name}: %', sqlerrm;
    end $$`)
    .execute(db);
  const { rows } = await sql`select 1 from pg_extension where extname = ${name}`.execute(db);
  return rows.length > 0;
}
