import { type Kysely, sql } from 'kysely';

// Named credentials for HTTP (src/auth/): only a SHA-256 hash of each token is kept. projects null = every
// project. last_used_at is refreshed at most once per cache period per replica (src/auth/token-cache.ts).
// task_events.credential names the token or OAuth subject that made each event, beside the agent's name.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table api_tokens (
    name text primary key,
    token_hash text not null unique,
    role text not null check (role in ('reader', 'worker', 'orchestrator', 'admin')),
    projects text[],
    created_at timestamptz not null default now(),
    last_used_at timestamptz
  )`.execute(db);
  await sql`alter table task_events add column credential text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table task_events drop column credential`.execute(db);
  await sql`drop table api_tokens`.execute(db);
}
