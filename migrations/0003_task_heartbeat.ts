import { type Kysely, sql } from 'kysely';

// The board shows when a holder last showed signs of life; a heartbeat leaves no event unless it has a note.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tasks add column heartbeat_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tasks drop column heartbeat_at`.execute(db);
}
