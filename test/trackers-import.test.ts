import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/db/open.js';
import type { TaskBoard } from '../src/tasks/board.js';
import type { Snapshot } from '../src/tasks/snapshot.js';
import { EXPORT_FORMATS } from '../src/trackers/export-tracker.js';
import { exportTracker } from './helpers/export-in-memory.js';
import { parseTracker } from '../src/trackers/parse-tracker.js';
import { engines, newProject, openTestStore, recountMismatches, testBoard } from './helpers/engines.js';
import { sample } from './helpers/formats.js';

const SAMPLES = ['task-breakdown.json', 'tasks.md', 'TASK-STATUS.md', 'TODO.md', 'TASK-STATUS-crlf-mojibake.md', 'tasks-extra-columns.md', 'task-breakdown-comments.jsonc', 'TODO-variants.md'];

/** What a round trip must keep: the tasks, their statuses, dependencies and notes (and where they sit). */
const essence = (s: Snapshot) =>
  s.tasks.map((t) => ({
    id: t.id, description: t.description, status: t.status, phase: t.phase, module: t.module, priority: t.priority,
    dependencies: [...t.dependencies].sort(), notes: t.notes, started_at: t.started_at, completed_at: t.completed_at,
    result: t.result, assignee: t.assignee, branch: t.branch,
  }));

describe.each(engines)('tracker import and export on %s', (engine) => {
  let store: Store;
  let board: TaskBoard;
  beforeAll(async () => {
    store = await openTestStore(engine);
    board = testBoard(store);
  });
  afterAll(() => store?.close());

  const eventCount = async (project: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from task_events where project_id = ${project}`.execute(store.db)).rows[0].n;

  it('imports task-breakdown.json with status fields and notes, and counts by status and phase', async () => {
    const p = newProject();
    const r = await board.importTasks(p, parseTracker(sample('task-breakdown.json')));
    expect(r).toMatchObject({ format: 'task-breakdown-json', created: 5, updated: 0, total_tasks: 5, skipped_count: 0 });
    expect(r.by_status).toEqual({ completed: 1, in_progress: 1, pending: 2, failed: 1 });
    const snap = await board.snapshot(p);
    const t2 = snap.tasks.find((t) => t.id === 'T2')!;
    expect(t2).toMatchObject({ status: 'in_progress', attempts: 2, started_at: '2026-03-02T09:45:00.000Z' });
    expect(t2.notes).toEqual([{ timestamp: '2026-03-02T10:02:00.000Z', note: 'First attempt failed: font not embedded' }]);
    expect(snap.tasks.find((t) => t.id === 'T3')).toMatchObject({ ready: false, dependencies: ['T2'] });
    expect(await recountMismatches(store, p)).toEqual([]);
  });

  it.each(SAMPLES)('imports %s twice: the second time changes nothing', async (file) => {
    const p = newProject();
    const parsed = parseTracker(sample(file));
    const first = await board.importTasks(p, parsed, { actor: 'importer' });
    expect(first.created).toBe(parsed.tasks.length);
    const before = { snap: await board.snapshot(p), events: await eventCount(p) };
    const second = await board.importTasks(p, parseTracker(sample(file)), { actor: 'importer' });
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: parsed.tasks.length, events_added: 0 });
    const after = await board.snapshot(p);
    expect(after.tasks.map((t) => t.version)).toEqual(before.snap.tasks.map((t) => t.version));
    expect(essence(after)).toEqual(essence(before.snap));
    expect(await eventCount(p)).toBe(before.events);
  });

  it('takes status changes from a file for existing tasks, and keeps readiness exact', async () => {
    const p = newProject();
    await board.importTasks(p, parseTracker(sample('tasks.md')));
    expect((await board.readTaskBreakdown(p, { status: 'ready' })).tasks.map((t) => t.id)).toEqual(['CK-WEB-001']);
    const edited = sample('tasks.md')
      .replace('| CK-PAY-002 | in-progress |', '| CK-PAY-002 | done |')
      .replace('| CK-WEB-001 | not-started |', '| CK-WEB-001 | in-progress |');
    const r = await board.importTasks(p, parseTracker(edited), { actor: 'importer' });
    expect(r).toMatchObject({ created: 0, updated: 2 });
    expect((await board.readTaskBreakdown(p, { status: 'ready' })).tasks.map((t) => t.id)).toEqual(['CK-PAY-003']);
    expect(await recountMismatches(store, p)).toEqual([]);
    const { events } = await board.snapshot(p, ['CK-PAY-002']);
    expect(events.at(-1)).toMatchObject({ kind: 'status', from_status: 'in_progress', to_status: 'completed', agent: 'importer' });
  });

  it("counts the file's tasks only, by status and by phase in the order the file names them, whether or not the board holds others", async () => {
    const p = newProject();
    const file = JSON.stringify({ tasks: [
      { id: 'A', description: 'a', phase: 'Build', status: 'done' },
      { id: 'B', description: 'b', phase: 'Alpha' },
      { id: 'C', description: 'c', phase: 'Build', status: 'in-progress' },
      { id: 'D', description: 'd' },
    ] });
    const alone = await board.importTasks(p, parseTracker(file));
    expect(alone).toMatchObject({ total_tasks: 4, by_status: { completed: 1, pending: 2, in_progress: 1 } });
    expect(Object.entries(alone.by_phase)).toEqual([['Build', 2], ['Alpha', 1], ['(none)', 1]]);
    await board.writeTaskList(p, { tasks: [{ id: 'X', description: 'not in the file', phase: 'Alpha' }] });
    const beside = await board.importTasks(p, parseTracker(file.replace('"status":"in-progress"', '"status":"done"')));
    expect(beside).toMatchObject({ updated: 1, total_tasks: 4, by_status: { completed: 2, pending: 2 } });
    expect(Object.entries(beside.by_phase)).toEqual([['Build', 2], ['Alpha', 1], ['(none)', 1]]);
    const again = await board.importTasks(p, parseTracker(file.replace('"status":"done"', '"status":"failed"')));
    expect(again).toMatchObject({ updated: 2, by_status: { failed: 1, in_progress: 1, pending: 2 } });
  });

  it('imports the TASK-STATUS.md change log as events, once', async () => {
    const p = newProject();
    const r = await board.importTasks(p, parseTracker(sample('TASK-STATUS.md')));
    expect(r.events_added).toBe(1);
    expect(r.by_phase).toEqual({ 'Phase 1: Core': 7 });
    const snap = await board.snapshot(p, ['INV-001']);
    expect(snap.tasks[0].notes).toEqual([{ timestamp: '2026-05-01T09:10:00.000Z', note: 'Merged', agent: 'backend' }]);
  });

  it('leaves out links to tasks that exist nowhere and says so; keeps links to tasks already on the board', async () => {
    const p = newProject();
    await board.writeTaskList(p, { tasks: [{ id: 'BE-9', description: 'already on the board' }] });
    const r = await board.importTasks(p, parseTracker(sample('task-breakdown-comments.jsonc')));
    expect(r.skipped.map((s) => s.reason)).toContainEqual(expect.stringMatching(/D\.dependencies: "Z" is no task in the file or on the board/));
    const other = await board.importTasks(p, parseTracker(sample('tasks-extra-columns.md')));
    expect(other.skipped.map((s) => s.reason).join('\n')).not.toMatch(/BE-9/);
    expect((await board.snapshot(p, ['BE-3'])).tasks[0].dependencies).toEqual(['BE-2', 'BE-9']);
  });

  it('reports a dry run exactly and keeps nothing', async () => {
    const p = newProject();
    const dry = await board.importTasks(p, parseTracker(sample('TODO.md')), { dryRun: true });
    expect(dry).toMatchObject({ dry_run: true, created: 10, total_tasks: 10, by_status: { completed: 4, pending: 5, cancelled: 1 } });
    expect((await board.snapshot(p)).tasks).toEqual([]);
  });

  // Taskmaster's format has no notes, phases or progress fields: its round trip is in trackers-peers.test.ts.
  describe.each(EXPORT_FORMATS.filter((f) => f !== 'taskmaster'))('export as %s, then import', (format) => {
    it.each(['task-breakdown.json', 'tasks.md', 'TASK-STATUS.md', 'TODO.md', 'tasks-extra-columns.md'])('gives back the tasks of %s', async (file) => {
      const a = newProject();
      await board.importTasks(a, parseTracker(sample(file)), { actor: 'importer' });
      await board.markTaskStatus(a, { task_id: (await board.snapshot(a)).tasks[0].id, status: 'review', notes: 'a note | with a pipe\nand a second line', agent: 'w1', force: true });
      const exported = exportTracker(await board.snapshot(a), format);
      const b = newProject();
      const parsed = parseTracker(exported);
      expect(parsed.skipped.filter((s) => !/not tasks/.test(s.reason))).toEqual([]);
      await board.importTasks(b, parsed, { actor: 'importer' });
      const [sa, sb] = [await board.snapshot(a), await board.snapshot(b)];
      expect(essence(sb)).toEqual(essence(sa));
      // and importing the export into the board it came from changes nothing
      const again = await board.importTasks(a, parseTracker(exported), { actor: 'importer' });
      expect(again).toMatchObject({ created: 0, updated: 0, events_added: 0 });
    });
  });
});
