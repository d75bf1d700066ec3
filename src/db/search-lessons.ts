import { type RawBuilder, sql } from 'kysely';
import { toSql } from 'pgvector';
import type { Db } from './schema.js';
import type { StoredLesson } from './lessons.js';

export type LessonScope = {
  projectId: string;
  includeGlobal: boolean;
  tags?: string[];
  taskId?: string;
};

/** A candidate from one channel, with its rank there (1 = best). */
export type RankedLesson = StoredLesson & { rank: number };

export type ChannelOptions = { pool: number; bodyChars?: number };

function scopeConditions(scope: LessonScope): RawBuilder<unknown> {
  const conditions = [
    scope.includeGlobal ? sql`(l.project_id = ${scope.projectId} or l.project_id is null)` : sql`l.project_id = ${scope.projectId}`,
  ];
  if (scope.tags?.length) conditions.push(sql`l.tags && ${scope.tags}::text[]`);
  if (scope.taskId) conditions.push(sql`l.task_id = ${scope.taskId}`);
  return sql.join(conditions, sql` and `);
}

const ranked = (rows: StoredLesson[]): RankedLesson[] => rows.map((row, i) => ({ ...row, rank: i + 1 }));

const columns = (bodyChars?: number) =>
  sql`l.id::text as id, l.project_id, l.task_id, l.title, ${bodyChars ? sql`left(l.body, ${bodyChars})` : sql`l.body`} as body,
    l.tags, l.created_by, l.created_at`;

/**
 * Full text, with the query's words ORed: websearch_to_tsquery ANDs them, and a natural-language
 * query then matches nothing unless every word is present. Each word becomes its own plainto_tsquery
 * (so stemming, stop words and quoting stay Postgres's job) and ts_rank_cd orders the matches.
 * With `words` (pg_trgm present), word_similarity on each word also finds misspelt and partial words;
 * the two orders are fused by reciprocal rank inside the statement. One round trip.
 */
export async function searchLessonsLexical(
  db: Db,
  query: string,
  scope: LessonScope,
  options: ChannelOptions & { trigramWords?: string[] },
): Promise<RankedLesson[]> {
  const words = options.trigramWords ?? [];
  const trigram = words.length
    ? sql`, trg as (
        select l.id, row_number() over (order by ${sql.join(words.map((w) => sql`word_similarity(${w}, l.title || ' ' || l.body)`), sql` + `)} desc, l.id desc) as r
        from lessons l
        where (${sql.join(words.map((w) => sql`${w} <% (l.title || ' ' || l.body)`), sql` or `)}) and ${scopeConditions(scope)}
        order by r limit ${options.pool})`
    : sql`, trg as (select null::bigint as id, null::bigint as r where false)`;
  const { rows } = await sql<StoredLesson>`
    with q as (
      select string_agg('(' || t::text || ')', ' | ')::tsquery as tsq
      from (select plainto_tsquery('english', w) as t from regexp_split_to_table(${query}, '\\s+') as w) words
      where numnode(t) > 0
    ), fts as (
      select l.id, row_number() over (order by ts_rank_cd(l.search_tsv, q.tsq) desc, l.id desc) as r
      from lessons l, q
      where l.search_tsv @@ q.tsq and ${scopeConditions(scope)}
      order by r limit ${options.pool}
    )${trigram}, fused as (
      select id, coalesce(1.0 / (60 + fts.r), 0) + coalesce(1.0 / (60 + trg.r), 0) as score
      from fts full join trg using (id)
    )
    select ${columns(options.bodyChars)}
    from fused f join lessons l on l.id = f.id
    order by f.score desc, l.id desc limit ${options.pool}`.execute(db);
  return ranked(rows);
}

/** Nearest lessons by cosine distance, over the HNSW index of this model's dimension. One round trip. */
export async function searchLessonsSemantic(
  db: Db,
  embedding: number[],
  model: string,
  scope: LessonScope,
  options: ChannelOptions,
): Promise<RankedLesson[]> {
  const dim = sql.raw(String(Math.trunc(embedding.length)));
  const distance = sql`l.embedding::vector(${dim}) <=> ${toSql(embedding)}::vector(${dim})`;
  const { rows } = await sql<StoredLesson>`
    select ${columns(options.bodyChars)}
    from lessons l
    where l.embedding_model = ${model} and l.embedding_dim = ${embedding.length} and ${scopeConditions(scope)}
    order by ${distance} limit ${options.pool}`.execute(db);
  return ranked(rows);
}
