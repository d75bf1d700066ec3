import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore, type Store } from '../src/db/open.js';

export type BenchDatabase = { url: string; drop(): Promise<void> };

/** TASKLANE_BENCH_DATABASE_URL when set (left in place), else a fresh database on the local server, dropped after. */
export async function serverDatabase(): Promise<BenchDatabase> {
  const given = process.env.TASKLANE_BENCH_DATABASE_URL;
  if (given) return { url: given, drop: async () => {} };
  const admin = process.env.TASKLANE_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `tasklane_bench_${randomUUID().slice(0, 8)}`;
  await adminQuery(admin, `create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(admin, `drop database if exists ${name} with (force)`) };
}

async function adminQuery(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A migrated store: a server database (pool sized for the workers) or an in-memory PGlite. */
export async function openBenchStore(url: string, poolMax: number): Promise<Store> {
  const store = await openStore(url, { poolMax });
  await migrateToLatest(store.db);
  return store;
}

/** Runs work on a migrated store of the local server (a fresh database, dropped after), then closes it. */
export async function withServerStore<T>(poolMax: number, work: (store: Store, url: string) => Promise<T>): Promise<T> {
  const database = await serverDatabase();
  const store = await openBenchStore(database.url, poolMax);
  try {
    return await work(store, database.url);
  } finally {
    await store.close();
    await database.drop();
  }
}

/** Runs work on a migrated in-memory PGlite, then closes it. */
export async function withPgliteStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openBenchStore('memory://', 1);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
