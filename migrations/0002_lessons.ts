import { type Kysely, sql } from 'kysely';

// One statement per entry: prepared statements take one command at a time.
const LESSONS = [
  `create table lessons (
    id bigint generated always as identity primary key,
    project_id text references projects (id) on delete cascade,
    task_id text,
    title text not null,
    body text not null,
    tags text[] not null default '{}',
    created_by text,
    created_at timestamptz not null default now(),
    search_tsv tsvector generated always as (
      setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    ) stored,
    embedding_model text,
    embedding_dim int
  )`,
  `create index lessons_search on lessons using gin (search_tsv)`,
  `create index lessons_by_project on lessons (project_id, created_at)`,
  `create table embedding_jobs (
    lesson_id bigint primary key references lessons (id) on delete cascade,
    model text not null,
    attempts int not null default 0,
    last_error text,
    next_try_at timestamptz not null default now(),
    created_at timestamptz not null default now()
  )`,
  `create index embedding_jobs_due on embedding_jobs (next_try_at)`,
];

// The trigram index serves word_similarity (`<%`): a misspelt or partial word still finds its lesson.
const TRIGRAM = [`create index lessons_trgm on lessons using gin ((title || ' ' || body) gin_trgm_ops)`];

// The column is `vector` without a dimension, plus embedding_dim: the dimension is known only from
// the model's first answer, and a later model may answer another one. The HNSW index needs a fixed
// dimension, so the embedding worker creates a partial expression index per dimension
// (`(embedding::vector(n)) … where embedding_dim = n`) once it knows n; see src/db/lesson-embeddings.ts.
const VECTOR = [`alter table lessons add column embedding vector`];

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select name from pg_available_extensions where name in ('pg_trgm', 'vector')`.execute(db);
  const available = new Set(rows.map((r) => r.name));
  const installed = new Set<string>();
  for (const name of ['pg_trgm', 'vector']) {
    if (available.has(name) && (await createExtension(db, name))) installed.add(name);
  }
  for (const statement of LESSONS) await sql.raw(statement).execute(db);
  if (installed.has('pg_trgm')) for (const statement of TRIGRAM) await sql.raw(statement).execute(db);
  if (installed.has('vector')) for (const statement of VECTOR) await sql.raw(statement).execute(db);
}

/** A role without the right to create the extension gets lexical search instead of a failed migration. */
async function createExtension(db: Kysely<unknown>, name: string): Promise<boolean> {
  await sql.raw(`do $$ begin
      create extension if not exists ${name};
    exception when insufficient_privilege then
      raise notice 'tasklane: cannot create extension ${name}: %', sqlerrm;
    end $$`).execute(db);
  const { rows } = await sql`select 1 from pg_extension where extname = ${name}`.execute(db);
  return rows.length > 0;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['embedding_jobs', 'lessons']) await sql.raw(`drop table ${table}`).execute(db);
}
