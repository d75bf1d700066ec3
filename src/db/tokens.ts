import { sql } from 'kysely';
import type { Db } from './schema.js';

export type TokenRow = { name: string; role: string; projects: string[] | null; created_at: Date; last_used_at: Date | null };

/** Inserts a named token (its hash only); false when the name is taken. */
export async function insertToken(db: Db, row: { name: string; token_hash: string; role: string; projects: string[] | null }): Promise<boolean> {
  const inserted = await db.insertInto('api_tokens').values(row).onConflict((oc) => oc.column('name').doNothing()).returning('name').executeTakeFirst();
  return inserted !== undefined;
}

export async function selectTokens(db: Db): Promise<TokenRow[]> {
  return db.selectFrom('api_tokens').select(['name', 'role', 'projects', 'created_at', 'last_used_at']).orderBy('name').execute();
}

/** Deletes a token by name; false when there is none. */
export async function deleteToken(db: Db, name: string): Promise<boolean> {
  const r = await db.deleteFrom('api_tokens').where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The token with this hash, marked used now, in one statement; undefined when none (unknown or revoked). */
export async function useToken(db: Db, tokenHash: string): Promise<Pick<TokenRow, 'name' | 'role' | 'projects'> | undefined> {
  return db
    .updateTable('api_tokens')
    .set({ last_used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .returning(['name', 'role', 'projects'])
    .executeTakeFirst();
}
