import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { bulkStatement } from '../src/db/bulk.js';
import type { Store } from '../src/db/open.js';
import { selectTasksByIds, selectWriteStates } from '../src/db/tasks.js';
import { engines, newProject, openTestStore, testBoard } from './helpers/engines.js';

// Bulk writes send each column as one text[] literal built by src/db/bulk.ts, or as one parameter when
// every row has the same value: whatever the text (quotes, backslashes, braces, the word NULL), the
// mix of shared and varied columns, or the number of rows, what is read back is what was written.

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', 'NULL', 'null', '"', '\\', '\\"', '{}', '{a,b}', ' , ', 'é ✓ \u{1F600}', 'a\nb'),
);
/** A column's values: one value shared by every row, or one per row. */
const column = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.oneof(arb.map((v) => Array<T>(n).fill(v)), fc.array(arb, { minLength: n, maxLength: n }));

const list = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    description: column(text.filter((s) => s.trim().length > 0), n),
    title: column(fc.option(text.filter((s) => s.trim().length > 0), { nil: undefined }), n),
    module: column(fc.option(text.filter((s) => s.trim().length > 0), { nil: undefined }), n),
    tags: column(fc.array(text.filter((s) => s.trim().length > 0), { maxLength: 3 }), n),
    priority: column(fc.integer({ min: 1, max: 9 }), n),
    extra: column(text, n),
  }).map((c) => Array.from({ length: n }, (_, i) => ({
    id: `T${i}`,
    description: c.description[i],
    title: c.title[i],
    module: c.module[i],
    tags: [...new Set(c.tags[i])],
    priority: c.priority[i],
    custom_field: c.extra[i],
    dependencies: i > 0 && c.priority[i] % 2 === 0 ? [`T${i - 1}`] : [],
  }))),
);

describe.each(engines)('bulk writes on %s', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(() => store?.close());

  it.each([
    ['in one statement a table', { ...bulkStatement }],
    ['in statements of 3 rows', { ...bulkStatement, rows: 3 }],
    ['in statements of about 120 characters', { ...bulkStatement, chars: 120 }],
  ])('read back what a list wrote %s, whatever its text and whichever columns its rows share; writing it again changes nothing', async (_, size) => {
    const before = { ...bulkStatement };
    Object.assign(bulkStatement, size);
    onTestFinished(() => {
      Object.assign(bulkStatement, before);
    });
    await fc.assert(fc.asyncProperty(list, fc.integer({ min: 0, max: 11 }), async (tasks, edited) => {
      const project = newProject('bulk');
      const board = testBoard(store);
      expect((await board.writeTaskList(project, { tasks })).created).toBe(tasks.length);
      const rows = await selectTasksByIds(store.db, project, tasks.map((t) => t.id));
      expect(rows.map((r) => ({ id: r.id, description: r.description, title: r.title, module: r.module, tags: r.tags, priority: r.priority, custom_field: r.metadata.custom_field })))
        .toEqual(tasks.map((t) => ({ id: t.id, description: t.description, title: t.title ?? null, module: t.module ?? null, tags: t.tags, priority: t.priority, custom_field: t.custom_field })));
      const links = await sql<{ task_id: string; depends_on: string }>`select task_id, depends_on from task_dependencies where project_id = ${project} order by task_id`.execute(store.db);
      expect(links.rows).toEqual(tasks.flatMap((t) => t.dependencies.map((d) => ({ task_id: t.id, depends_on: d }))).sort((a, b) => a.task_id.localeCompare(b.task_id)));

      const again = await board.writeTaskList(project, { tasks });
      expect({ created: again.created, updated: again.updated, unchanged: again.unchanged }).toEqual({ created: 0, updated: 0, unchanged: tasks.length });
      const k = edited % tasks.length;
      const changed = tasks.map((t, i) => (i === k ? { ...t, description: `${t.description}"\\ edited` } : t));
      expect((await board.writeTaskList(project, { tasks: changed })).updated).toBe(1);
      expect((await selectTasksByIds(store.db, project, [changed[k].id]))[0].description).toBe(changed[k].description);
      // One task's links changed (one added or all removed), another's given again in another order: only the first is updated.
      const rewired = changed.map((t, i) => {
        if (i === k) return { ...t, dependencies: t.dependencies.length ? [] : tasks.slice(0, i).map((x) => x.id) };
        return { ...t, dependencies: [...t.dependencies].reverse() };
      });
      const expectUpdated = rewired[k].dependencies.length === changed[k].dependencies.length ? 0 : 1;
      expect((await board.writeTaskList(project, { tasks: rewired })).updated).toBe(expectUpdated);
      const after = await sql<{ task_id: string; depends_on: string }>`select task_id, depends_on from task_dependencies where project_id = ${project} order by task_id, depends_on`.execute(store.db);
      expect(after.rows).toEqual(rewired.flatMap((t) => t.dependencies.map((d) => ({ task_id: t.id, depends_on: d }))).sort((a, b) => a.task_id.localeCompare(b.task_id) || a.depends_on.localeCompare(b.depends_on)));
    }), { numRuns: engine === 'pglite' ? 30 : 40 });
  });

  it('a task listed again as it was last written is skipped by its digest only while nothing else has changed it', async () => {
    const board = testBoard(store);
    const project = newProject('digest');
    const tasks = Array.from({ length: 6 }, (_, i) => ({ id: `T${i}`, description: `task ${i}`, title: `Task ${i}`, dependencies: i > 0 ? [`T${i - 1}`] : [] }));
    await board.writeTaskList(project, { tasks });
    const ids = tasks.map((t) => t.id);
    const digested = async () => [...(await selectWriteStates(store.db, project, ids)).digests.keys()].sort();
    expect(await digested()).toEqual(ids);

    // Changed since by other calls: T1 edited, T4 given another link, T0 claimed and completed.
    await board.updateTask(project, { task_id: 'T1', description: 'edited elsewhere' });
    await board.updateTask(project, { task_id: 'T4', dependencies: ['T3', 'T2'] });
    const claimed = await board.nextTask(project, { agent: 'a' });
    await board.markTaskStatus(project, { task_id: claimed.task!.id, status: 'completed', agent: 'a' });
    expect(await digested()).toEqual(['T2', 'T3', 'T5']);

    // The same list again undoes the edit and the link, and keeps the status it does not give.
    const again = await board.writeTaskList(project, { tasks });
    expect({ updated: again.updated, unchanged: again.unchanged }).toEqual({ updated: 2, unchanged: 4 });
    const rows = await selectTasksByIds(store.db, project, ['T0', 'T1', 'T4']);
    expect(rows.map((r) => [r.id, r.description, r.status])).toEqual([['T0', 'task 0', 'completed'], ['T1', 'task 1', 'pending'], ['T4', 'task 4', 'pending']]);
    const links = await sql<{ depends_on: string }>`select depends_on from task_dependencies where project_id = ${project} and task_id = 'T4'`.execute(store.db);
    expect(links.rows).toEqual([{ depends_on: 'T3' }]);
    // What the write changed is digested again; once more, nothing changes.
    expect(await digested()).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
    expect((await board.writeTaskList(project, { tasks })).unchanged).toBe(6);
    // Without titles the digests differ: each task is compared column by column, and keeps its title.
    expect((await board.writeTaskList(project, { tasks: tasks.map(({ title: _, ...t }) => t) })).unchanged).toBe(6);
    expect((await selectTasksByIds(store.db, project, ['T2']))[0].title).toBe('Task 2');
  });

  it('a task listed again with extra fields has them merged into its metadata, key by key', async () => {
    const board = testBoard(store);
    const project = newProject('metadata');
    const metadataOf = async (id: string) => (await selectTasksByIds(store.db, project, [id]))[0].metadata;
    await board.writeTaskList(project, { tasks: [
      { id: 'T1', description: 'a', quality_gates: ['npm test'], owner: 'bob' },
      { id: 'T2', description: 'b', nested: { a: 1, b: [1, { c: null }] } },
    ] });
    const again = await board.writeTaskList(project, { tasks: [
      { id: 'T1', description: 'a', quality_gates: ['npm test', 'npm run lint'] },
      { id: 'T2', description: 'b', nested: { b: [1, { c: null }], a: 1 } },
    ] });
    expect({ updated: again.updated, unchanged: again.unchanged }).toEqual({ updated: 1, unchanged: 1 });
    expect(await metadataOf('T1')).toEqual({ quality_gates: ['npm test', 'npm run lint'], owner: 'bob' });
    expect(await metadataOf('T2')).toEqual({ nested: { a: 1, b: [1, { c: null }] } });
    const edited = await sql<{ data: { fields: string[] } }>`select data from task_events where project_id = ${project} and task_id = 'T1' and kind = 'edited'`.execute(store.db);
    expect(edited.rows.map((r) => r.data.fields)).toEqual([['metadata']]);
    // The same again, or the task without extra fields: nothing changes, and the metadata stays.
    expect((await board.writeTaskList(project, { tasks: [{ id: 'T1', description: 'a', quality_gates: ['npm test', 'npm run lint'] }] })).unchanged).toBe(1);
    expect((await board.writeTaskList(project, { tasks: [{ id: 'T1', description: 'a' }] })).unchanged).toBe(1);
    expect(await metadataOf('T1')).toEqual({ quality_gates: ['npm test', 'npm run lint'], owner: 'bob' });
  });

  it('a long list finds the same statuses whether it reads the whole project or probes each id, and a write takes either way alike', async () => {
    const board = testBoard(store);
    const project = newProject('statuses');
    const tasks = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `T${from + i}`, description: `task ${from + i}` }));
    await board.writeTaskList(project, { tasks: tasks(0, 3000) });
    await board.markTaskStatus(project, { task_id: 'T5', status: 'completed', force: true });
    const listed = [...tasks(2500, 1000).map((t) => t.id), 'T5', 'nope'];
    const whole = await selectWriteStates(store.db, project, listed, true);
    expect(whole).toEqual(await selectWriteStates(store.db, project, listed, false));
    expect(whole.statuses.size).toBe(501);
    expect(whole.statuses.get('T5')).toBe('completed');
    // T5 has moved since it was written: its digest no longer stands for it.
    expect(whole.digests.size).toBe(500);
    expect(whole.digests.has('T5')).toBe(false);

    // 1,200 listed (half new) into a project of 3,000: probed; the same list into a project of 1,200: read whole.
    for (const size of [3000, 1200]) {
      const p = newProject('statuses');
      await board.writeTaskList(p, { tasks: tasks(0, size) });
      const result = await board.writeTaskList(p, { tasks: [...tasks(size - 600, 600), ...tasks(size, 600)].map((t) => ({ ...t, dependencies: ['T0'] })) });
      expect({ created: result.created, updated: result.updated, unchanged: result.unchanged }).toEqual({ created: 600, updated: 600, unchanged: 0 });
    }
  });
});
