import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/db/open.js';
import { engines, newProject, openTestStore, testBoard } from './helpers/engines.js';

// A task's project and a link's tasks are checked once a statement by triggers, not by declared
// foreign keys (migrations/0011_statement_references.ts): they must hold as the keys did, on either
// engine, and under concurrent deletes on the server.

const url = process.env.TEST_DATABASE_URL;

const count = async (store: Store, table: 'tasks' | 'task_dependencies' | 'task_events', project: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where project_id = ${project}`.execute(store.db)).rows[0].n;

/** Links whose task or dependency is on no board: what a missing check or cascade would leave. */
const orphanLinks = async (store: Store, project: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from task_dependencies d where d.project_id = ${project}
    and (not exists (select from tasks t where t.project_id = d.project_id and t.id = d.task_id)
      or not exists (select from tasks t where t.project_id = d.project_id and t.id = d.depends_on))`.execute(store.db)).rows[0].n;

const refusal = async (work: Promise<unknown>) => {
  const err = await work.then(() => undefined, (e: { code?: string; message?: string }) => e);
  expect(err, 'the statement should have been refused').toBeDefined();
  return err!;
};

describe.each(engines)('references on %s', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(() => store?.close());

  it('refuses a link to a task that does not exist, and a task of a project that does not exist, changing nothing', async () => {
    const project = newProject('refs');
    await testBoard(store).writeTaskList(project, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b' }] });
    const missing = await refusal(sql`insert into task_dependencies (project_id, task_id, depends_on)
      select ${project}, x, y from (values ('B', 'A'), ('B', 'Z')) v(x, y)`.execute(store.db));
    expect(missing.code).toBe('23503');
    expect(missing.message).toContain(`task ${project}/Z does not exist`);
    expect(await count(store, 'task_dependencies', project)).toBe(0);
    // Past 100 rows the check runs statements planned for the rows inserted: the same refusal.
    await testBoard(store).writeTaskList(project, { tasks: Array.from({ length: 150 }, (_, i) => ({ id: `M${i}`, description: `m ${i}` })) });
    const many = await refusal(sql`insert into task_dependencies (project_id, task_id, depends_on)
      select ${project}, 'M' || i, case when i = 120 then 'Z' else 'M' || (i - 1) end from generate_series(1, 149) i`.execute(store.db));
    expect(many.code).toBe('23503');
    expect(many.message).toContain(`task ${project}/Z does not exist`);
    expect(await count(store, 'task_dependencies', project)).toBe(0);
    const noProject = await refusal(sql`insert into tasks (project_id, id, description) values (${`${project}-none`}, 'A', 'a')`.execute(store.db));
    expect(noProject.code).toBe('23503');
    expect(noProject.message).toContain(`project ${project}-none does not exist`);
  });

  it('refuses to change the ids a reference uses', async () => {
    const project = newProject('refs');
    await testBoard(store).writeTaskList(project, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b', dependencies: ['A'] }, { id: 'C', description: 'c' }] });
    expect((await refusal(sql`update tasks set id = 'D' where project_id = ${project} and id = 'A'`.execute(store.db))).code).toBe('23503');
    expect((await refusal(sql`update task_dependencies set depends_on = 'C' where project_id = ${project}`.execute(store.db))).code).toBe('23503');
    expect((await refusal(sql`update projects set id = ${`${project}-x`} where id = ${project}`.execute(store.db))).code).toBe('23503');
  });

  it('deleting tasks removes their links both ways and their events; deleting a project removes its board', async () => {
    const project = newProject('refs');
    const board = testBoard(store);
    const tasks = Array.from({ length: 300 }, (_, i) => ({ id: `T${i}`, description: `task ${i}`, dependencies: i ? [`T${i - 1}`] : [] }));
    await board.writeTaskList(project, { tasks });
    expect(await count(store, 'task_dependencies', project)).toBe(299);
    await sql`delete from tasks where project_id = ${project} and id in ('T10', 'T11', 'T200')`.execute(store.db);
    expect(await orphanLinks(store, project)).toBe(0);
    expect(await count(store, 'task_dependencies', project)).toBe(294);
    await board.writeTaskList(project, { tasks: tasks.filter((_, i) => i % 2 === 0 && i !== 10 && i !== 200).map((t) => ({ ...t, dependencies: [] })), mode: 'replace' });
    expect(await count(store, 'tasks', project)).toBe(148);
    expect(await orphanLinks(store, project)).toBe(0);
    expect(await count(store, 'task_dependencies', project)).toBe(0);
    expect((await sql<{ n: number }>`select count(*)::int as n from task_events e where e.project_id = ${project}
      and not exists (select from tasks t where t.project_id = e.project_id and t.id = e.task_id)`.execute(store.db)).rows[0].n).toBe(0);

    await board.writeTaskList(project, { tasks: [{ id: 'X', description: 'x', dependencies: ['T0'] }] });
    await sql`delete from projects where id = ${project}`.execute(store.db);
    for (const table of ['tasks', 'task_dependencies', 'task_events'] as const) expect(await count(store, table, project)).toBe(0);
  });
});

describe.skipIf(!url)('references under concurrent deletes (needs TEST_DATABASE_URL)', () => {
  let store: Store;
  let inserter: pg.Client;
  let deleter: pg.Client;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    inserter = new pg.Client({ connectionString: url });
    deleter = new pg.Client({ connectionString: url });
    await Promise.all([inserter.connect(), deleter.connect()]);
  });
  afterAll(async () => {
    await Promise.all([inserter?.end(), deleter?.end()]);
    await store?.close();
  });

  const boardOfTwo = async () => {
    const project = newProject('refs-race');
    await testBoard(store).writeTaskList(project, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b' }] });
    return project;
  };
  const settledWithin = (work: Promise<unknown>, ms: number) => Promise.race([work.then(() => true, () => true), new Promise((r) => setTimeout(() => r(false), ms))]);

  it('a task deleted while a link to it is being inserted waits for that insert, then takes the link with it', async () => {
    const project = await boardOfTwo();
    await inserter.query('begin');
    await inserter.query(`insert into task_dependencies (project_id, task_id, depends_on) values ($1, 'B', 'A')`, [project]);
    await deleter.query('begin');
    const deleting = deleter.query(`delete from tasks where project_id = $1 and id = 'A'`, [project]);
    expect(await settledWithin(deleting, 300), 'the delete should wait for the transaction that links to the task').toBe(false);
    await inserter.query('commit');
    await deleting;
    await deleter.query('commit');
    expect(await orphanLinks(store, project)).toBe(0);
    expect(await count(store, 'task_dependencies', project)).toBe(0);
  });

  it('a link to a task whose delete is not yet committed waits for it, then is refused', async () => {
    const project = await boardOfTwo();
    await deleter.query('begin');
    await deleter.query(`delete from tasks where project_id = $1 and id = 'A'`, [project]);
    await inserter.query('begin');
    const inserting = inserter.query(`insert into task_dependencies (project_id, task_id, depends_on) values ($1, 'B', 'A')`, [project]);
    const outcome = inserting.then(() => undefined, (e: { code?: string }) => e);
    expect(await settledWithin(inserting, 300), 'the insert should wait for the delete').toBe(false);
    await deleter.query('commit');
    expect((await outcome)?.code).toBe('23503');
    await inserter.query('rollback');
    expect(await orphanLinks(store, project)).toBe(0);
  });
});
