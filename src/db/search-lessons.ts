import { type RawBuilder, sql } from 'kysely';
import { toSql } from 'pgvector';
import type { Db } from './schema.js';
import type { StoredLesson } from './lessons.js';

// Work bounds that keep a search cheap at 10,000+ lessons: a word's document frequency comes from
// the planner's statistics on search_tsv (pg_stats.most_common_elems: no counting at query time),
// the index is searched for the query's uncommon words (up to RARE_MAX) and, among the common ones,
// only the least common up to LOOKUPS words in all; each brings at most PER_TERM candidates to be
// ranked. A rare word, the one that matters, brings all of its lessons.
const LOOKUPS = 8;
const RARE_MAX = 24;
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

export type ChannelOptions = {
  pool: number;
  bodyChars?: number;
  /** Candidates each word brings at most (default PER_TERM). */
  perTerm?: number;
  /** How many of the query's rarest words bring candidates (default LOOKUPS). */
  lookups?: number;
};

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
 * word is looked up once, not once per joined row. With `trigramWords` (pg_trgm present),
 * each word that no lesson contains (misspelt or partial) is looked up by word_similarity instead;
 * the two orders are fused by reciprocal rank inside the statement. Runs in a transaction (it sets
 * local settings); one round trip besides those.
 */
export async function searchLessonsLexical(
  db: Db,
  query: string,
  scope: LessonScope,
  options: ChannelOptions & { trigramWords?: string[] },
): Promise<RankedLesson[]> {
  const words = options.trigramWords ?? [];
  const inScope = scopeConditions(scope);
  // Planning this statement anew for each query cost as much as running it (about 5 ms at 10,000
  // lessons on PGlite); its best plan does not depend on the words, so the cached generic one serves.
  await sql`set local plan_cache_mode = force_generic_plan`.execute(db);
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
    with stats as materialized (
      select greatest((select reltuples from pg_class where oid = 'lessons'::regclass), 1000)::float8 as n, s.elems, s.freqs
      from (select 1) one left join lateral (
        select most_common_elems::text::text[] as elems, most_common_elem_freqs as freqs from pg_stats
        where schemaname = current_schema() and tablename = 'lessons' and attname = 'search_tsv') s on true
    ), terms as materialized (
      select distinct on (q::text) q, lexeme
      from (select plainto_tsquery('english', w) as q, (tsvector_to_array(to_tsvector('english', w)))[1] as lexeme
            from regexp_split_to_table(${query}, '[[:space:]]+') as w) words
      where numnode(q) > 0
    ), weighted as materialized (
      -- A word missing from the common ones is rarer than all of them: df 0, the highest idf.
      select q, lexeme, df, ln(1 + n / (1 + df)) as idf
      from (select t.q, t.lexeme, st.n, coalesce(st.freqs[array_position(st.elems, t.lexeme)] * st.n, 0) as df from terms t, stats st) x
    ), candidates as materialized (
      -- Every uncommon word brings candidates (up to RARE_MAX of them, longest first), and the least
      -- common of the common ones fill up to \`lookups\`: a word in many lessons is weak evidence.
      select distinct m.id
      from (select q from (select q, df, row_number() over (order by df, length(lexeme) desc, q::text) as k from weighted) ranked
            where (df = 0 and k <= ${RARE_MAX}) or k <= ${options.lookups ?? LOOKUPS}) p,
        lateral (select l.id from lessons l where l.search_tsv @@ p.q and ${inScope} limit ${options.perTerm ?? PER_TERM}) m
    ), fts as (
      -- Each candidate is scored against every word in memory; joining words to lessons by @@ instead
      -- would fetch every lesson of every word from the index.
      select l.id, row_number() over (order by s.score desc, l.id desc) as r
      from lessons l, lateral (select sum(w.idf * ts_rank_cd(l.search_tsv, w.q)) as score from weighted w where l.search_tsv @@ w.q) s
      where l.id = any(array(select id from candidates))
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

/**
 * Nearest lessons by cosine distance, over the HNSW index of this model's dimension, down to a
 * similarity floor: the nearest lessons to a query about nothing they contain are still the nearest,
 * and without the floor they came back as matches. One round trip.
 */
export async function searchLessonsSemantic(
  db: Db,
  embedding: number[],
  model: string,
  scope: LessonScope,
  options: ChannelOptions & { minSimilarity: number },
): Promise<RankedLesson[]> {
  const dim = sql.raw(String(Math.trunc(embedding.length)));
  const distance = sql`l.embedding::vector(${dim}) <=> ${toSql(embedding)}::vector(${dim})`;
  const { rows } = await sql<StoredLesson>`
    select ${columns(options.bodyChars)}
    from lessons l
    where l.embedding_model = ${model} and l.embedding_dim = ${embedding.length} and ${scopeConditions(scope)}
      and ${distance} <= ${1 - options.minSimilarity}::float8
    order by ${distance} limit ${options.pool}`.execute(db);
  return ranked(rows);
}
