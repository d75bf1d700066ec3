import { type Kysely, sql } from 'kysely';

// A write of a long list finds the tasks it would change by comparing each listed task with its row. A
// task's row keeps a digest of what the write that last set it was given (src/tasks/written-digest.ts)
// and the version that write left: while the version is still that one, nothing has changed the task
// since, and a task listed with the same digest is unchanged without its columns being sent to the
// server and compared there. Both nullable and without a default, so adding them rewrites nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tasks add column written_digest text, add column written_version int`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tasks drop column written_digest, drop column written_version`.execute(db);
}
