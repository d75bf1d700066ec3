import type { Db } from './schema.js';

export async function ensureProject(db: Db, projectId: string): Promise<void> {
  await db
    .insertInto('projects')
    .values({ id: projectId, name: projectId })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
