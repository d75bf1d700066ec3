import { sql } from 'kysely';
import type { Db } from './schema.js';

export async function ensureProject(db: Db, projectId: string): Promise<void> {
  await db
    .insertInto('projects')
    .values({ id: projectId, name: projectId })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Whether anything was ever written to the project (a write, an import or its settings made its row). */
export async function projectExists(db: Db, projectId: string): Promise<boolean> {
  return (await db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst()) !== undefined;
}

/** The first `limit` project ids by name, and how many projects there are. */
export async function selectProjectIds(db: Db, limit: number): Promise<{ ids: string[]; total: number }> {
  const rows = await db
    .selectFrom('projects')
    .select(['id', sql<number>`count(*) over ()::int`.as('total')])
    .orderBy('id')
    .limit(limit)
    .execute();
  return { ids: rows.map((r) => r.id), total: rows[0]?.total ?? 0 };
}

export type ProjectSettings = { lease_seconds?: number; max_attempts?: number };

export async function selectProjectSettings(db: Db, projectId: string): Promise<ProjectSettings> {
  const row = await db.selectFrom('projects').select('settings').where('id', '=', projectId).executeTakeFirst();
  return (row?.settings ?? {}) as ProjectSettings;
}

export async function mergeProjectSettings(db: Db, projectId: string, settings: ProjectSettings): Promise<ProjectSettings> {
  await ensureProject(db, projectId);
  const row = await db
    .updateTable('projects')
    .set({ settings: sql<string>`settings || ${JSON.stringify(settings)}::jsonb` })
    .where('id', '=', projectId)
    .returning('settings')
    .executeTakeFirstOrThrow();
  return row.settings as ProjectSettings;
}
