import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDown, migrateToLatest, NewerDatabaseError } from '../src/db/migrate.js';
import type { Store } from '../src/db/open.js';
import { detectSearchCapabilities } from '../src/db/search-capabilities.js';
import { migrations } from '../migrations/index.js';
import { engines, newProject, openOwnStore, testBoard, testLessons } from './helpers/engines.js';

const TABLES = ['api_tokens', 'embedding_jobs', 'lessons', 'projects', 'task_counts', 'task_dependencies', 'task_events', 'tasks'];

// Every migration's `down`, newest first, on a database of its own, then every `up` again.
describe.each(engines)('migrations on %s', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await openOwnStore(engine);
  });
  afterAll(() => store?.close());

  const tables = async () =>
    (await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_name not like 'tasklane_migrations%' order by 1`.execute(store.db)).rows.map((r) => r.name);

  it('migrates down over every migration, newest first, to an empty schema, and back up to a working board', async () => {
    const before = await detectSearchCapabilities(store.db);
    expect(await tables()).toEqual(TABLES);
    const reverted: string[] = [];
    for (let name = await migrateDown(store.db); name; name = await migrateDown(store.db)) reverted.push(name);
    expect(reverted).toEqual(Object.keys(migrations).reverse());
    expect(await tables()).toEqual([]);

    expect(await migrateToLatest(store.db)).toEqual(Object.keys(migrations));
    expect(await tables()).toEqual(TABLES);
    expect(await detectSearchCapabilities(store.db)).toEqual(before);
    const project = newProject('updown');
    const board = testBoard(store);
    await board.writeTaskList(project, { tasks: [{ id: 'T1', description: 'schema rebuilt' }] });
    expect((await board.nextTask(project, { agent: 'w' })).task?.id).toBe('T1');
    const lessons = await testLessons(store);
    await lessons.record(project, { lesson: 'The schema survives a round trip of every migration' }, null);
    expect((await lessons.search(project, { query: 'round trip' })).lessons).toHaveLength(1);
  });

  it('refuses a database a newer Tasklane migrated, naming its migration, and changes nothing', async () => {
    const applied = async () => (await sql<{ name: string }>`select name from tasklane_migrations order by name`.execute(store.db)).rows.map((r) => r.name);
    await sql`insert into tasklane_migrations (name, timestamp) values ('9999_from_a_newer_tasklane', now()::text)`.execute(store.db);
    try {
      const before = await applied();
      for (const run of [() => migrateToLatest(store.db), () => migrateDown(store.db)]) {
        const refused = await run().then(() => undefined, (err: unknown) => err);
        expect(refused).toBeInstanceOf(NewerDatabaseError);
        expect((refused as Error).message).toMatch(/migrated by a newer Tasklane: it has 9999_from_a_newer_tasklane, which Tasklane \S+ does not know/);
      }
      expect(await applied()).toEqual(before);
      expect(await tables()).toEqual(TABLES);
    } finally {
      await sql`delete from tasklane_migrations where name = '9999_from_a_newer_tasklane'`.execute(store.db);
    }
  });
});
