import { type RawBuilder, sql } from 'kysely';
import { toSql } from 'pgvector';
import type { Db } from './schema.js';
import type { StoredLesson } from './lessons.js';

// Work bounds that keep a search cheap at 10,000+ lessons: a word's document frequency is counted
// up to DF_CAP (a word in more lessons than that is common, whatever its exact count), and each word
// brings at most PER_TERM candidates to be ranked (the first the index finds). A rare word, the one
// that matters, brings all of its lessons.
const DF_CAP = 200;
const PER_TERM = 100;

export type LessonScope = {
  projectId: string;
  includeGlobal: boolean;
  /** Global lessons only (the claim path's second look). */
  globalOnly?: boolean;
  tags?: string[];
  taskId?: string;
};

/** A candidate from one channel, with its rank there (1 = best). */
export type RankedLesson = StoredLesson & { rank: number };

export type ChannelOptions = { pool: number; bodyChars?: number; /** Candidates each word brings at most (default PER_TERM). */ perTerm?: number };

function scopeConditions(scope: LessonScope): RawBuilder<unknown> {
  // coalesce and || '' make the planner filter rows rather than AND a bitmap of the whole project into
  // every word's index scan (that doubled a claim's lesson lookup at 10,000 lessons).
  const projects = scope.globalOnly
    ? sql`l.project_id is null`
    : scope.includeGlobal
      ? sql`coalesce(l.project_id, ${scope.projectId}) = ${scope.projectId}`
      : sql`l.project_id || '' = ${scope.projectId}`;
  const conditions = [projects];
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
 * (stemming, stop words and quoting stay Postgres's job); a lesson scores the sum over the words it
 * contains of ts_rank_cd × idf, so that "sleep" outweighs "test" and "fail" (ts_rank_cd alone knows
 * no word rarity, and lessons full of common words won). The CTEs are `materialized` so that each
 * word's frequency is counted once, not once per joined row. With `trigramWords` (pg_trgm present),
 * each word that no lesson contains (misspelt or partial) is looked up by word_similarity instead;
 * the two orders are fused by reciprocal rank inside the statement. One round trip (plus a `set local` when trigrams are used).
 */
export async function searchLessonsLexical(
  db: Db,
  query: string,
  scope: LessonScope,
  options: ChannelOptions & { trigramWords?: string[] },
): Promise<RankedLesson[]> {
  const words = options.trigramWords ?? [];
  const inScope = scopeConditions(scope);
  if (words.length) {
    // The default threshold (0.6) misses a transposed letter in a long word ("migratoins" scores 0.55).
    await sql`set local pg_trgm.word_similarity_threshold = 0.4`.execute(db);
  }
  const trigram = words.length
    ? sql`, misses as (
        select w from unnest(${words}::text[]) as w
        where numnode(plainto_tsquery('english', w)) > 0
          and not exists (select 1 from lessons l where l.search_tsv @@ plainto_tsquery('english', w) and ${inScope})
      ), trg as (
        select id, row_number() over (order by sum(sim) desc, id desc) as r
        from (
          select l.id, word_similarity(m.w, l.title || ' ' || l.body) as sim
          from misses m join lessons l on m.w <% (l.title || ' ' || l.body)
          where ${inScope}
        ) hits
        group by id order by r limit ${options.pool})`
    : sql`, trg as (select null::bigint as id, null::bigint as r where false)`;
  const { rows } = await sql<StoredLesson>`
    with terms as materialized (
      select distinct t as q
      from (select plainto_tsquery('english', w) as t from regexp_split_to_table(${query}, '[[:space:]]+') as w) words
      where numnode(t) > 0
    ), weighted as materialized (
      -- One index scan per word gives both its frequency (up to DF_CAP) and its candidate lessons.
      select q, ln(1 + greatest((select reltuples from pg_class where oid = 'lessons'::regclass), 1000)::float8 / (1 + df)) as idf, ids
      from terms, lateral (
        select count(*) as df, (array_agg(m.id))[1:${options.perTerm ?? PER_TERM}] as ids
        from (select l.id from lessons l where l.search_tsv @@ q and ${inScope} limit ${DF_CAP}) m
      ) d
    ), candidates as materialized (
      select distinct unnest(ids) as id from weighted
    ), fts as (
      select l.id, row_number() over (order by sum(w.idf * ts_rank_cd(l.search_tsv, w.q)) desc, l.id desc) as r
      from candidates c join lessons l on l.id = c.id join weighted w on l.search_tsv @@ w.q
      group by l.id
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
