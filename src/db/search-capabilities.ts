import { sql } from 'kysely';
import type { Db } from './schema.js';

/** What the database can do for lessons search: migration 0002 adds these only where the extensions exist. */
export type SearchCapabilities = { trigram: boolean; vector: boolean };

export async function detectSearchCapabilities(db: Db): Promise<SearchCapabilities> {
  const { rows } = await sql<{ trigram: boolean; vector: boolean }>`
    select
      exists (select 1 from pg_indexes where tablename = 'lessons' and indexname = 'lessons_trgm') as trigram,
      exists (select 1 from information_schema.columns where table_name = 'lessons' and column_name = 'embedding') as vector`.execute(db);
  return { trigram: Boolean(rows[0]?.trigram), vector: Boolean(rows[0]?.vector) };
}
