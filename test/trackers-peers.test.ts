import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../src/tasks/snapshot.js';
import { readBacklogFolder } from '../src/trackers/backlog-folder.js';
import { boardProjects } from '../src/trackers/board-projects.js';
import { exportTracker } from './helpers/export-in-memory.js';
import { parseBacklogFiles } from '../src/trackers/parse-backlog-md.js';
import { parseTracker, parseTrackerBoards } from '../src/trackers/parse-tracker.js';
import { engines, newProject, recountMismatches, useTestBoard } from './helpers/engines.js';
import { FORMATS_DIR, sample } from './helpers/formats.js';

const TAGS: Array<[tag: string, tasks: number, subtasks: number]> = [
  ['master', 93, 535], ['test-tag', 1, 0], ['cc-kiro-hooks', 10, 50], ['tm-core-phase-1', 11, 55], ['tm-start', 6, 0],
  ['autonomous-tdd-git-workflow', 23, 104], ['tdd-workflow-phase-0', 10, 50], ['tdd-phase-1-core-rails', 10, 50], ['loop', 18, 70],
];
const taskmaster = () => sample('taskmaster/tasks.json');
const backlog = () => parseBacklogFiles(readBacklogFolder(path.join(FORMATS_DIR, 'backlog'))!.files);
const byId = <T extends { id: string }>(tasks: T[]) => new Map(tasks.map((t) => [t.id, t]));
const edges = (tasks: Array<{ dependencies?: string[] }>) => tasks.reduce((n, t) => n + (t.dependencies?.length ?? 0), 0);
const reasons = (skipped: Array<{ reason: string }>) => skipped.map((s) => s.reason).join('\n');

describe("Taskmaster's tasks.json, whole", () => {
  const boards = parseTrackerBoards(taskmaster());

  it('gives one board per tag, subtasks as tasks, every dependency resolved', () => {
    expect(boards.map((b) => b.format)).toEqual(TAGS.map(() => 'taskmaster-json'));
    expect(boards.map((b) => [b.tag, b.tasks.filter((t) => !t.id.includes('.')).length, b.tasks.filter((t) => t.id.includes('.')).length])).toEqual(TAGS);
    const all = boards.flatMap((b) => b.tasks);
    expect(all).toHaveLength(182 + 914);
    // 974 written in the file, less the one that closes a cycle; plus a parent's link to each subtask not cancelled (914 − 5)
    expect(edges(all)).toBe(973 + 909);
    const master = byId(boards[0].tasks);
    expect(master.get('4')).toMatchObject({ title: 'Create Task File Generation System', status: 'completed', priority: 'medium', dependencies: ['1', '3', '4.1', '4.2', '4.3', '4.4', '4.5'] });
    expect(master.get('4')!.details).toMatch(/^Build the task file generation system[\s\S]*\n\nTest strategy:\nGenerate task files from sample tasks\.json/);
    expect(master.get('4.1')).toMatchObject({ status: 'completed', priority: 'medium', details: expect.stringMatching(/^Acceptance criteria:\n- Template structure/) });
    expect(master.get('97.3')!.dependencies).toEqual(['97.1', '97.2']); // "1" and "2": siblings, as Taskmaster reads them
    expect(master.get('23.10')!.dependencies).toEqual(['23.1', '23.8']); // a number and a "parent.sub" string
    expect(master.get('51')!.dependencies).toEqual(['51.2', '51.3', '51.4', '51.6', '51.7', '51.8']); // 51.1 and 51.5 are cancelled
    expect(master.get('22.3')).toMatchObject({ status: 'cancelled', taskmaster_status: 'deferred' });
    expect(byId(boards[8].tasks).get('3')!.dependencies).toEqual(['1', '2', '3.1', '3.2']); // string ids in the loop tag
  });

  it('counts the statuses of tasks and subtasks', () => {
    const count: Record<string, number> = {};
    for (const t of boards.flatMap((b) => b.tasks)) count[t.status ?? 'none'] = (count[t.status ?? 'none'] ?? 0) + 1;
    expect(count).toEqual({ completed: 578, pending: 503, in_progress: 5, review: 2, cancelled: 8 });
  });

  it('says what it changed or left out, and why', () => {
    const master = reasons(boards[0].skipped);
    expect(master).toMatch(/12\.4\.dependencies: the link to 12\.1 closes a cycle \(12\.1 already waits for 12\.4\); that link was left out/);
    for (let n = 43; n <= 49; n++) expect(master).toContain(`42.42: another subtask of 42 has id 42; this one was imported as 42.${n}`);
    expect(boards[0].skipped).toHaveLength(8);
    expect(boards.slice(1).flatMap((b) => b.skipped)).toEqual([]);
  });

  it('reads the untagged layout of early versions, and reports what it cannot take', () => {
    const [board, ...more] = parseTrackerBoards(sample('taskmaster/tasks-untagged.json'));
    expect(more).toEqual([]);
    expect(board.tag).toBeUndefined();
    const t = byId(board.tasks);
    expect([...t.keys()]).toEqual(['1', '2', '2.1', '2.2', '2.3', '3', '3.1', '3.2', '4', '4.1']);
    expect(t.get('1')).toMatchObject({ priority: 'critical', status: 'completed' });
    expect(t.get('2.3')!.dependencies).toEqual(['2.1']);
    expect(t.get('3')!.dependencies).toEqual(['2.2', '3.1']); // 3.2 is deferred
    expect(t.get('4')).not.toHaveProperty('priority');
    expect(t.get('4.1')).toMatchObject({ status: 'blocked', dependencies: ['9.9'] });
    expect(reasons(board.skipped).split('\n')).toEqual([
      '4.status: "waiting-on-legal" has no known status word; the status was left as it is (pending for a new task)',
      '4.priority: "urgent!!" is not a priority; the default was used',
      '4: the id repeats line 50; the first one was kept',
      '5: neither a title nor a description; the task was left out',
    ]);
  });
});

describe("Beads' issues.jsonl", () => {
  it('maps statuses, priorities, blocking links, epics and comments; keeps the other links', () => {
    const r = parseTracker(sample('beads/issues.jsonl'));
    expect(r.format).toBe('beads-jsonl');
    const t = byId(r.tasks);
    expect([...t.keys()]).toEqual(['inv-a1b2', 'inv-c3d4', 'inv-e5f6', 'inv-g7h8', 'inv-i9j0', 'inv-k1l2', 'inv-m3n4', 'inv-s9t0']);
    expect(t.get('inv-a1b2')).toMatchObject({ status: 'pending', priority: 2, issue_type: 'epic', dependencies: ['inv-c3d4', 'inv-e5f6', 'inv-g7h8'] });
    expect(t.get('inv-c3d4')).toMatchObject({
      status: 'completed', priority: 2, assignee: 'claude-1', completed_at: '2026-02-02T19:30:12.123Z', tags: ['billing', 'db'],
      result: 'Tables invoices and invoice_lines created; migration 0003.', details: expect.stringMatching(/^Design:\nTwo tables[\s\S]*\n\nAcceptance criteria:\n- migrations/),
    });
    expect(t.get('inv-e5f6')).toMatchObject({ status: 'in_progress', dependencies: ['inv-c3d4'], notes: [{ note: expect.stringMatching(/^Fonts/), agent: 'claude-2' }] });
    expect(t.get('inv-g7h8')).toMatchObject({ status: 'blocked', priority: 3 });
    expect(t.get('inv-i9j0')).toMatchObject({ priority: 1, dependencies: [], links: { 'discovered-from': ['inv-c3d4'] } });
    expect(t.get('inv-k1l2')).toMatchObject({ status: 'cancelled', beads_status: 'deferred', links: { related: ['inv-i9j0'] } });
    expect(t.get('inv-m3n4')).toMatchObject({ status: 'in_progress', beads_status: 'hooked', priority: 5, estimated_minutes: 30 });
    expect(t.get('inv-s9t0')!.dependencies).toEqual(['inv-g7h8', 'inv-q7r8']); // the import reports the deleted one
    expect(reasons(r.skipped).split('\n')).toEqual([
      'inv-o5p6: a pinned bead is a standing context marker, not work to claim; it was left out',
      'inv-q7r8: deleted in Beads (a tombstone); it was left out',
    ]);
  });

  it('reports lines it cannot read, unknown statuses, cycles and parents not in the file', () => {
    const r = parseTracker(sample('beads/issues-edge.jsonl'));
    expect(r.tasks.map((t) => t.id)).toEqual(['ed-1', 'ed-2', 'ed-3', 'ed-4', 'ed-6']);
    expect(r.skipped.map((s) => [s.line, s.reason.replace(/\(Unterminated.*\)/, '(…)')])).toEqual([
      [1, 'ed-1.status: "awaiting_review" has no known status word; the status was left as it is (pending for a new task)'],
      [2, 'ed-2.priority: "7" is not a Beads priority (0–4); the default was used'],
      [3, 'ed-3.dependencies: the link to ed-2 closes a cycle (ed-2 already waits for ed-3); that link was left out'],
      [4, 'ed-4: its parent other-epic is not in the file; the parent link was left out'],
      [5, 'not a JSON object (…); the line was left out'],
      [6, 'an issue without an "id"; the line was left out'],
      [8, 'ed-6.comments.created_at: "yesterday" is not a date or ISO 8601 time; left empty'],
    ]);
    expect(byId(r.tasks).get('ed-6')!.notes).toEqual([{ note: 'done in #12', agent: 'b' }]);
  });
});

describe('a Backlog.md backlog/ folder', () => {
  it('finds the folder from the project folder or itself', () => {
    expect(readBacklogFolder(path.join(FORMATS_DIR, 'beads'))).toBeUndefined();
    expect(readBacklogFolder(FORMATS_DIR)!.root).toBe(path.join(FORMATS_DIR, 'backlog'));
    expect(readBacklogFolder(path.join(FORMATS_DIR, 'backlog'))!.files.map((f) => f.path)).toContain('tasks/task-2.1 - Invoices-table.md');
  });

  it('maps statuses, milestones, parents and dependencies; reports every file it leaves out', () => {
    const r = backlog();
    expect(r.format).toBe('backlog-md');
    const t = byId(r.tasks);
    expect([...t.keys()]).toEqual(['task-1', 'task-2', 'task-2.1', 'task-2.2', 'task-3', 'task-4', 'task-7']);
    expect(t.get('task-1')).toMatchObject({ status: 'completed', priority: 'high', assignee: '@alice', tags: ['infra'], result: 'CI on GitHub Actions; one job, 40 s.' });
    expect(t.get('task-1')!.details).toBe('Acceptance criteria:\n- [x] #1 CI runs on every push\n- [x] #2 Lint and typecheck pass on an empty project');
    expect(t.get('task-2')).toMatchObject({ status: 'in_progress', assignee: '@bob', phase: 'Invoicing beta', dependencies: ['task-1', 'task-2.1', 'task-2.2'] });
    expect(t.get('task-3')).toMatchObject({ status: 'review', dependencies: ['task-2', 'task-7'], reporter: '@carol' }); // TASK-2 and "7"
    expect(t.get('task-4')).not.toHaveProperty('status');
    expect(r.files).toMatchObject({ 'task-7': 'completed/task-7 - Choose-a-PDF-library.md' });
    expect(r.skipped.map((s) => `${s.file}: ${s.reason}`)).toEqual([
      'archive/tasks/task-6 - CSV-export.md: archived in Backlog.md; it was left out',
      'decisions/decision-1 - Money-in-cents.md: a decision record, not a task; it was left out',
      'docs/doc-1 - Architecture.md: a document, not a task; it was left out',
      'drafts/draft-1 - Dunning-letters.md: a draft, not yet a task (promote it in Backlog.md to import it); it was left out',
      'tasks/task-4 - Send-invoices-by-email.md: task-4.status: "Waiting on legal" has no known status word; the status was left as it is (pending for a new task)',
      'tasks/task-8 - Broken-front-matter.md: not a Backlog.md task file: the front matter is not YAML (missed comma between flow collection entries at line 4); it was left out',
    ]);
  });

  it("takes a parent's subtasks list (older files) as well as a subtask's parent_task_id", () => {
    const file = (id: string, more = '') => ({ path: `tasks/${id} - x.md`, text: `---\nid: ${id}\ntitle: ${id}\nstatus: To Do\n${more}---\n` });
    const r = parseBacklogFiles([file('task-1', 'subtasks: [TASK-1.1]\n'), file('task-1.1'), file('task-1.2', 'parent_task_id: task-1\n')]);
    expect(r.tasks.map((t) => [t.id, t.dependencies])).toEqual([['task-1', ['task-1.1', 'task-1.2']], ['task-1.1', []], ['task-1.2', []]]);
  });

  it('reads one task file given as text', () => {
    const r = parseTracker(sample('backlog/tasks/task-2.2 - Invoice-lines-table.md'));
    expect(r).toMatchObject({ format: 'backlog-md', tasks: [{ id: 'task-2.2', status: 'pending', dependencies: ['task-2.1'] }] });
  });
});

/** What a Taskmaster round trip must keep. */
const essence = (s: Snapshot) =>
  s.tasks.map((t) => ({
    id: t.id, title: t.title, description: t.description, details: t.details, status: t.status, priority: t.priority,
    dependencies: [...t.dependencies].sort(), estimated_complexity: t.estimated_complexity,
  }));

describe.each(engines)('importing the peers on %s', (engine) => {
  const ctx = useTestBoard(engine);
  const eventCount = async (projects: string[]) =>
    (await sql<{ n: number }>`select count(*)::int as n from task_events where project_id = any(${projects})`.execute(ctx.store.db)).rows[0].n;

  it('brings a whole Taskmaster board across, a project per tag, and a second import changes nothing', async () => {
    const base = newProject('tm');
    const targets = boardProjects(base, parseTrackerBoards(taskmaster()));
    const projects = targets.map((t) => t.project);
    expect(projects).toEqual(TAGS.map(([tag]) => (tag === 'master' ? base : `${base}-${tag}`)));
    const first = await ctx.board.importBoards(targets, { actor: 'importer' });
    expect(first.map((r) => r.created)).toEqual(TAGS.map(([, tasks, subtasks]) => tasks + subtasks));
    expect(first.reduce((n, r) => n + r.created, 0)).toBe(1096);
    expect(reasons(first[1].skipped)).toMatch(/^1\.dependencies: "16" is no task in the file or on the board; that link was left out$/);
    const snapshots = await Promise.all(projects.map((p) => ctx.board.snapshot(p)));
    expect(snapshots.reduce((n, s) => n + edges(s.tasks), 0)).toBe(972 + 909);
    for (const p of projects) expect(await recountMismatches(ctx.store, p)).toEqual([]);
    const t51 = byId(snapshots[0].tasks).get('51')!;
    expect(t51).toMatchObject({ status: 'pending', ready: false, priority: 3 });
    expect(byId(snapshots[0].tasks).get('51.2')).toMatchObject({ ready: true, priority: 3 });

    const events = await eventCount(projects);
    const again = await ctx.board.importBoards(boardProjects(base, parseTrackerBoards(taskmaster())), { actor: 'importer' });
    expect(again.map((r) => [r.created, r.updated, r.events_added])).toEqual(TAGS.map(() => [0, 0, 0]));
    expect(again.reduce((n, r) => n + r.unchanged, 0)).toBe(1096);
    expect(await eventCount(projects)).toBe(events);
    const after = await Promise.all(projects.map((p) => ctx.board.snapshot(p)));
    expect(after.map((s) => s.tasks.map((t) => t.version))).toEqual(snapshots.map((s) => s.tasks.map((t) => t.version)));
  });

  it('exports each tag back to Taskmaster: importing the export gives the same tasks, statuses and dependencies', async () => {
    const base = newProject('rt');
    const targets = boardProjects(base, parseTrackerBoards(taskmaster()));
    await ctx.board.importBoards(targets);
    for (const { project } of targets) {
      const original = await ctx.board.snapshot(project);
      const exported = exportTracker(original, 'taskmaster');
      const [parsed, ...more] = parseTrackerBoards(exported);
      expect(more).toEqual([]);
      expect(parsed.skipped).toEqual([]);
      const copy = newProject('copy');
      await ctx.board.importTasks(copy, parsed);
      expect(essence(await ctx.board.snapshot(copy))).toEqual(essence(original));
      expect(await ctx.board.importTasks(project, parsed)).toMatchObject({ created: 0, updated: 0 });
    }
    const deferred = JSON.parse(exportTracker(await ctx.board.snapshot(base, ['22', '22.3']), 'taskmaster')).master.tasks[0];
    expect(deferred).toMatchObject({ id: 22, status: 'done', subtasks: [{ id: 3, status: 'deferred' }] });
  });

  it('imports Beads and Backlog.md with their links, readiness exact, twice without change', async () => {
    for (const parsed of [() => parseTracker(sample('beads/issues.jsonl')), backlog]) {
      const p = newProject();
      const first = await ctx.board.importTasks(p, parsed(), { actor: 'importer' });
      expect(first.created).toBe(parsed().tasks.length);
      expect(await recountMismatches(ctx.store, p)).toEqual([]);
      const second = await ctx.board.importTasks(p, parsed(), { actor: 'importer' });
      expect(second).toMatchObject({ created: 0, updated: 0, events_added: 0 });
      if (first.format === 'beads-jsonl') {
        expect(reasons(first.skipped)).toMatch(/inv-s9t0\.dependencies: "inv-q7r8" is no task in the file or on the board/);
        const ready = await ctx.board.readTaskBreakdown(p, { status: 'ready' });
        expect(ready.tasks.map((t) => t.id)).toEqual(['inv-i9j0']);
      } else {
        expect(first.skipped.find((s) => /task-99/.test(s.reason))).toMatchObject({ file: 'tasks/task-4 - Send-invoices-by-email.md' });
        expect((await ctx.board.readTaskBreakdown(p, { status: 'ready' })).tasks.map((t) => t.id)).toEqual(['task-2.2']);
      }
    }
  });
});
