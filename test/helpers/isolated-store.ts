import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openStore, type Store } from '../../src/db/open.js';
import { type EngineName, openTestStore } from './engines.js';

async function adminQuery(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A store no other test file writes to, so that a whole-database dump shows every change: PGlite's
 * in-memory clone, or on Postgres a fresh database named after TEST_DATABASE_URL's, dropped on close.
 */
export async function openIsolatedStore(engine: EngineName): Promise<Store> {
  if (engine === 'pglite') return openTestStore(engine);
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_iso_${randomUUID().slice(0, 8)}`.toLowerCase();
  await adminQuery(base.toString(), `create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openStore(url.toString(), { poolMax: 4 });
  await migrateToLatest(store.db);
  return {
    ...store,
    close: async () => {
      await store.close();
      await adminQuery(base.toString(), `drop database if exists "${name}" with (force)`);
    },
  };
}

const TABLES = ['projects', 'tasks', 'task_dependencies', 'task_events', 'lessons', 'embedding_jobs'] as const;

/** Every row of every table, as text in a fixed order: equal dumps mean an unchanged database. */
export async function dumpDatabase(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const { rows } = await sql<{ dump: string | null }>`
      select string_agg(row_to_json(t)::text, E'\n' order by row_to_json(t)::text) as dump from ${sql.table(table)} t`.execute(store.db);
    parts.push(`## ${table}\n${rows[0]?.dump ?? ''}`);
  }
  return parts.join('\n');
}
