import { sql } from 'kysely';
import { toSql } from 'pgvector';
import type { Db } from './schema.js';

export type DueJob = { lesson_id: string; attempts: number; title: string; body: string };

export async function enqueueEmbedding(db: Db, lessonId: string, model: string): Promise<void> {
  await db.insertInto('embedding_jobs').values({ lesson_id: lessonId, model }).execute();
}

/**
 * Takes up to `limit` due jobs and pushes their next try `leaseSeconds` ahead, in one statement:
 * the embedding call then runs outside any transaction, and a worker that dies mid-way loses
 * nothing, because the job simply comes due again.
 */
export async function claimDueJobs(db: Db, model: string, limit: number, leaseSeconds: number): Promise<DueJob[]> {
  const { rows } = await sql<DueJob>`
    with due as (
      select lesson_id from embedding_jobs
      where next_try_at <= now()
      order by next_try_at limit ${limit}
      for update skip locked
    ), taken as (
      update embedding_jobs j set attempts = j.attempts + 1, model = ${model},
        next_try_at = now() + make_interval(secs => ${leaseSeconds})
      from due where j.lesson_id = due.lesson_id
      returning j.lesson_id, j.attempts
    )
    select taken.lesson_id::text as lesson_id, taken.attempts, l.title, l.body
    from taken join lessons l on l.id = taken.lesson_id`.execute(db);
  return rows;
}

export async function storeEmbedding(db: Db, lessonId: string, model: string, embedding: number[]): Promise<void> {
  await sql`update lessons set embedding = ${toSql(embedding)}::vector, embedding_model = ${model}, embedding_dim = ${embedding.length}
    where id = ${lessonId}`.execute(db);
  await db.deleteFrom('embedding_jobs').where('lesson_id', '=', lessonId).execute();
}

/**
 * The HNSW index needs a fixed dimension and the column has none (see migration 0002): one partial
 * expression index per dimension in use, made when the first vector of that size is stored.
 */
export async function ensureVectorIndex(db: Db, dimensions: number): Promise<void> {
  const n = Math.trunc(dimensions);
  await sql
    .raw(`create index if not exists lessons_embedding_hnsw_${n} on lessons
      using hnsw ((embedding::vector(${n})) vector_cosine_ops) where embedding_dim = ${n}`)
    .execute(db);
}

export async function rescheduleJob(db: Db, lessonId: string, delayMs: number, error: string): Promise<void> {
  await sql`update embedding_jobs set next_try_at = now() + make_interval(secs => ${delayMs / 1000}), last_error = ${error.slice(0, 1000)}
    where lesson_id = ${lessonId}`.execute(db);
}

/** Queues every lesson again (a model change); returns how many. */
export async function requeueAllLessons(db: Db, model: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with queued as (
      insert into embedding_jobs (lesson_id, model)
      select id, ${model} from lessons
      on conflict (lesson_id) do update set model = excluded.model, attempts = 0, last_error = null, next_try_at = now()
      returning 1
    ) select count(*)::int as n from queued`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function countQueuedJobs(db: Db): Promise<number> {
  const row = await db.selectFrom('embedding_jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The dimension this model's stored vectors have, if any were stored. */
export async function recordedDimension(db: Db, model: string): Promise<number | undefined> {
  const row = await db.selectFrom('lessons').select('embedding_dim').where('embedding_model', '=', model).where('embedding_dim', 'is not', null).limit(1).executeTakeFirst();
  return row?.embedding_dim ?? undefined;
}
