import { sql } from 'kysely';
import type { Db } from './schema.js';

/** Which optional columns a tasks.md table needs: whether any task has a module, a priority other than `defaultPriority`, a title, a result. */
export async function selectColumnUse(db: Db, projectId: string, defaultPriority: number) {
  const { rows } = await sql<{ module: boolean; priority: boolean; title: boolean; result: boolean }>`
    select coalesce(bool_or(module is not null), false) as module, coalesce(bool_or(priority <> ${defaultPriority}), false) as priority,
      coalesce(bool_or(title is not null), false) as title, coalesce(bool_or(result is not null), false) as result
    from tasks where project_id = ${projectId}`.execute(db);
  return rows[0];
}

/** Each metadata key that holds a scalar somewhere, with the first task that has it (`seq`) and its place there (`ord`). */
export async function selectScalarMetadataKeys(db: Db, projectId: string): Promise<Array<{ key: string; seq: string; ord: number }>> {
  const { rows } = await sql<{ key: string; seq: string; ord: number }>`
    select key, seq::text as seq, ord::int as ord from (
      select k.key, t.seq, k.ord, row_number() over (partition by k.key order by t.seq, k.ord) as nth
      from tasks t cross join lateral jsonb_each(t.metadata) with ordinality k(key, value, ord)
      where t.project_id = ${projectId} and jsonb_typeof(t.metadata) = 'object' and jsonb_typeof(k.value) in ('string', 'number', 'boolean')) f
    where nth = 1`.execute(db);
  return rows;
}
