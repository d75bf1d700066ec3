import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/tasks/errors.js';
import { engines, newProject, recountMismatches, useTestBoard } from './helpers/engines.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)('task engine on %s', (engine) => {
  const ctx = useTestBoard(engine);

  const rejects = async (promise: Promise<unknown>, code: string, text: RegExp) => {
    const err = await promise.then(() => undefined, (e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
    expect((err as DomainError).message).toMatch(text);
  };

  it('initializes the status fields of written tasks', async () => {
    const p = newProject();
    const r = await ctx.board.writeTaskList(p, { tasks: [{ id: 'T1', description: 'Schema' }, { id: 'T2', description: 'API', dependencies: ['T1'] }] });
    expect(r).toMatchObject({ created: 2, updated: 0, removed: [], total_tasks: 2 });
    const b = await ctx.board.readTaskBreakdown(p, { include_notes: true });
    const t1 = b.tasks.find((t) => t.id === 'T1')!;
    expect(t1).toMatchObject({ status: 'pending', attempts: 0, notes: [], ready: true, dependencies: [], blocks: ['T2'] });
    expect(t1.started_at).toBeUndefined();
    expect(t1.completed_at).toBeUndefined();
    expect(t1.result).toBeUndefined();
    expect(b.tasks.find((t) => t.id === 'T2')).toMatchObject({ ready: false, dependencies: ['T1'] });
  });

  it('sets started_at and attempts on in_progress, completed_at and result on completion', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b', dependencies: ['A'] }] });
    const started = await ctx.board.markTaskStatus(p, { task_id: 'A', status: 'in-progress', agent: 'w1' });
    expect(started.task).toMatchObject({ status: 'in_progress', attempts: 1, assignee: 'w1' });
    expect(Date.parse(started.task.started_at!)).toBeGreaterThan(Date.now() - 60_000);
    expect(started.task.lease_expires_at).toBeDefined();
    const done = await ctx.board.markTaskStatus(p, { task_id: 'A', status: 'DONE', result: 'tables created', agent: 'w1' });
    expect(done.task).toMatchObject({ status: 'completed', result: 'tables created', started_at: started.task.started_at });
    expect(done.task.completed_at).toBeDefined();
    expect(done.newly_ready).toEqual(['B']);
  });

  it('hands out ready tasks by priority, then write order, and never one with open dependencies', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, {
      tasks: [
        { id: 'low', description: 'x', priority: 'low' },
        { id: 'first', description: 'x', priority: 2 },
        { id: 'second', description: 'x', priority: 'high' },
        { id: 'urgent-but-blocked', description: 'x', priority: 1, dependencies: ['low'] },
      ],
    });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await ctx.board.nextTask(p, { agent: 'w' });
      order.push(r.task!.id);
    }
    expect(order).toEqual(['first', 'second', 'low']);
    const none = await ctx.board.nextTask(p, { agent: 'w' });
    expect(none.task).toBeNull();
    expect(none.reason).toBe('waiting');
    expect(none.waiting_on!.map((h) => h.id).sort()).toEqual(['first', 'low', 'second']);
    await ctx.board.markTaskStatus(p, { task_id: 'low', status: 'completed', agent: 'w' });
    expect((await ctx.board.nextTask(p, { agent: 'w' })).task!.id).toBe('urgent-but-blocked');
  });

  it('peeks without claiming, and filters by phase, module and tags', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, {
      tasks: [
        { id: 'a', description: 'x', phase: 'one', module: 'db', tags: ['sql'] },
        { id: 'b', description: 'x', phase: 'two', module: 'api', tags: ['http', 'auth'] },
      ],
    });
    const peek = await ctx.board.nextTask(p, { claim: false });
    expect(peek).toMatchObject({ claimed: false, task: { id: 'a', status: 'pending' } });
    expect((await ctx.board.nextTask(p, { claim: false, phase: 'two' })).task!.id).toBe('b');
    expect((await ctx.board.nextTask(p, { claim: false, module: 'api' })).task!.id).toBe('b');
    expect((await ctx.board.nextTask(p, { claim: false, tags: ['auth'] })).task!.id).toBe('b');
    const filtered = await ctx.board.nextTask(p, { claim: false, tags: ['nothing'] });
    expect(filtered.task).toBeNull();
    expect(filtered.counts.ready).toBe(2);
  });

  it('counts the breakdown by status', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, {
      tasks: [
        { id: '1', description: 'x', status: 'done' },
        { id: '2', description: 'x', status: 'in-progress' },
        { id: '3', description: 'x', status: 'failed' },
        { id: '4', description: 'x', status: 'deferred' },
        { id: '5', description: 'x', dependencies: ['1'] },
        { id: '6', description: 'x', dependencies: ['2'] },
        { id: '7', description: 'x', status: 'REVIEW' },
        { id: '8', description: 'x', status: 'blocked' },
      ],
    });
    const b = await ctx.board.readTaskBreakdown(p);
    expect(b).toMatchObject({
      total_tasks: 8, pending_count: 2, ready_count: 1, in_progress_count: 1, review_count: 1,
      completed_count: 1, failed_count: 1, blocked_count: 1, cancelled_count: 1, progress_percent: 14.3,
    });
    expect((await ctx.board.readTaskBreakdown(p, { status: 'ready' })).tasks.map((t) => t.id)).toEqual(['5']);
    expect((await ctx.board.readTaskBreakdown(p, { status: 'done' })).tasks.map((t) => t.id)).toEqual(['1']);
    // The ready page lists tasks in the order get_next_task hands them out: priority, then write order.
    const q = newProject();
    await ctx.board.writeTaskList(q, { tasks: [{ id: 'low', description: 'x', priority: 4 }, { id: 'urgent', description: 'x', priority: 1 }, { id: 'mid', description: 'x', priority: 2 }, { id: 'mid2', description: 'x', priority: 2 }] });
    expect((await ctx.board.readTaskBreakdown(q, { status: 'ready' })).tasks.map((t) => t.id)).toEqual(['urgent', 'mid', 'mid2', 'low']);
    expect((await ctx.board.readTaskBreakdown(q, { status: 'pending' })).tasks.map((t) => t.id)).toEqual(['low', 'urgent', 'mid', 'mid2']);
    expect((await ctx.board.nextTask(q, { agent: 'w', claim: false })).task?.id).toBe('urgent');
    const page = await ctx.board.readTaskBreakdown(p, { limit: 3, offset: 3 });
    expect(page.tasks.map((t) => t.id)).toEqual(['4', '5', '6']);
    expect(page.next_offset).toBe(6);
  });

  it('counts attempts across retries and keeps started_at', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'flaky' }] });
    const first = await ctx.board.nextTask(p, { agent: 'w1' });
    expect(first.task!.attempts).toBe(1);
    await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'failed', result: 'timeout', agent: 'w1' });
    const back = await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'pending' });
    expect(back.task).toMatchObject({ status: 'pending', attempts: 1, started_at: first.task!.started_at });
    expect(back.task.completed_at).toBeUndefined();
    const second = await ctx.board.nextTask(p, { agent: 'w2' });
    expect(second.task).toMatchObject({ id: 'T', attempts: 2, assignee: 'w2', started_at: first.task!.started_at });
  });

  it('does not count a second attempt for a repeated call, nor repeat its note', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }] });
    const call = { task_id: 'T', status: 'in_progress', agent: 'w1', notes: 'starting' };
    await ctx.board.markTaskStatus(p, call);
    const again = await ctx.board.markTaskStatus(p, call);
    expect(again.changed).toBe(false);
    expect(again.task.attempts).toBe(1);
    await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'completed', agent: 'w1' });
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'U', description: 'y', dependencies: ['T'] }] });
    const done = await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'completed', agent: 'w1' });
    expect(done.changed).toBe(false);
    const notes = (await ctx.board.readTaskBreakdown(p, { include_notes: true })).tasks[0].notes!;
    expect(notes.map((n) => n.note)).toEqual(['starting']);
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
  });

  it('refuses a second agent on a task in progress, and starting work before its dependencies', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'x' }, { id: 'B', description: 'y', dependencies: ['A'] }] });
    await ctx.board.markTaskStatus(p, { task_id: 'A', status: 'in_progress', agent: 'w1' });
    await rejects(ctx.board.markTaskStatus(p, { task_id: 'A', status: 'in_progress', agent: 'w2' }), 'conflict', /in progress with agent "w1"/);
    await rejects(ctx.board.markTaskStatus(p, { task_id: 'B', status: 'in_progress', agent: 'w2' }), 'invalid_transition', /dependencies \(A\)/);
    const forced = await ctx.board.markTaskStatus(p, { task_id: 'B', status: 'in_progress', agent: 'w2', force: true });
    expect(forced.task.status).toBe('in_progress');
  });

  it('accumulates notes with timestamps, in order', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, {
      tasks: [{ id: 'T', description: 'x', notes: [{ timestamp: '2026-03-02T09:20:11', note: 'imported', agent: 'old' }] }],
    });
    for (const note of ['one', 'two', 'three']) {
      await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'pending', notes: note, agent: 'w' });
      await sleep(5);
    }
    const notes = (await ctx.board.readTaskBreakdown(p, { include_notes: true })).tasks[0].notes!;
    expect(notes.map((n) => n.note)).toEqual(['imported', 'one', 'two', 'three']);
    expect(notes[0]).toEqual({ timestamp: '2026-03-02T09:20:11.000Z', note: 'imported', agent: 'old' });
    const times = notes.map((n) => Date.parse(n.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(notes[1].agent).toBe('w');
  });

  it('rejects a cycle and unknown dependencies as a whole, naming each problem, and writes nothing', async () => {
    const p = newProject();
    await rejects(
      ctx.board.writeTaskList(p, {
        tasks: [
          { id: 'T1', description: 'x' },
          { id: 'T3', description: 'x', dependencies: ['T5'] },
          { id: 'T5', description: 'x', dependencies: ['T3'] },
        ],
      }),
      'dependency_cycle',
      /cycle: T3 → T5 → T3/,
    );
    const err = await ctx.board
      .writeTaskList(p, {
        tasks: [
          { id: 'T1', description: 'x', dependencies: ['T9'] },
          { id: 'T1', description: 'dup' },
          { id: 'T2', description: 'x', status: 'sideways', priority: 'whenever' },
        ],
      })
      .catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    const message = (err as DomainError).message;
    expect(message).toMatch(/"T9" names no task/);
    expect(message).toMatch(/tasks\[1\]\.id: "T1" repeats/);
    expect(message).toMatch(/status: unknown status "sideways"/);
    expect(message).toMatch(/priority/);
    expect((await ctx.board.readTaskBreakdown(p)).total_tasks).toBe(0);
  });

  it('merges without resetting progress, and replace removes what is not listed', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b' }, { id: 'C', description: 'c' }] });
    await ctx.board.nextTask(p, { agent: 'w1' });
    const merged = await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a, reworded', status: 'pending' }, { id: 'B', description: 'b' }] });
    expect(merged).toMatchObject({ created: 0, updated: 1, unchanged: 1, total_tasks: 3 });
    const a = (await ctx.board.readTaskBreakdown(p)).tasks.find((t) => t.id === 'A')!;
    expect(a).toMatchObject({ status: 'in_progress', attempts: 1, description: 'a, reworded' });
    const same = await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a, reworded' }] });
    expect(same).toMatchObject({ updated: 0, unchanged: 1 });
    const replaced = await ctx.board.writeTaskList(p, { mode: 'replace', tasks: [{ id: 'A', description: 'a, reworded' }, { id: 'D', description: 'd', dependencies: ['A'] }] });
    expect(replaced).toMatchObject({ created: 1, removed: ['B', 'C'], total_tasks: 2 });
    await rejects(ctx.board.writeTaskList(p, { mode: 'replace', tasks: [] }), 'invalid_input', /remove every task/);
  });

  it("takes the input's status fields for existing tasks only with progress: 'take', keeping unmet_deps exact", async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a' }, { id: 'B', description: 'b', dependencies: ['A'] }, { id: 'C', description: 'c', dependencies: ['A'] }] });
    const done = { id: 'A', description: 'a', status: 'done', completed_at: '2026-01-02T03:04:05Z', result: 'ok', branch: 'feat/a', assignee: 'w9' };
    const kept = await ctx.board.writeTaskList(p, { tasks: [done] });
    expect(kept).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await ctx.board.readTaskBreakdown(p)).tasks.find((t) => t.id === 'A')).toMatchObject({ status: 'pending' });
    const taken = await ctx.board.writeTaskList(p, { tasks: [done] }, 'importer', { progress: 'take' });
    expect(taken).toMatchObject({ updated: 1 });
    const a = (await ctx.board.readTaskBreakdown(p)).tasks.find((t) => t.id === 'A')!;
    expect(a).toMatchObject({ status: 'completed', completed_at: '2026-01-02T03:04:05.000Z', result: 'ok', branch: 'feat/a', assignee: 'w9' });
    // B and C are not in the second list, yet they became ready: their unmet_deps follow A
    expect((await ctx.board.readTaskBreakdown(p, { status: 'ready' })).tasks.map((t) => t.id)).toEqual(['B', 'C']);
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
    expect(await ctx.board.writeTaskList(p, { tasks: [done] }, 'importer', { progress: 'take' })).toMatchObject({ updated: 0, unchanged: 1 });
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'A', description: 'a', status: 'pending' }] }, 'importer', { progress: 'take' });
    expect((await ctx.board.readTaskBreakdown(p, { status: 'ready' })).tasks.map((t) => t.id)).toEqual(['A']);
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
  });

  it('finds each changed task of a large write (every kind of column, dependencies as a set) and only those', async () => {
    const p = newProject();
    const task = (i: number) => ({
      id: `T${i}`, description: `task "${i}", with \\ and , in it`, title: i % 2 ? undefined : `t${i}`, tags: ['a', 'b c', 'd"e'], priority: 1 + (i % 4),
      estimate_tokens: i, status: i % 3 ? 'pending' : 'done', completed_at: i % 3 ? undefined : '2026-01-02T03:04:05.123Z', assignee: i % 5 ? undefined : 'w1',
      dependencies: i > 2 ? [`T${i - 1}`, `T${i - 2}`] : [],
    });
    const list = Array.from({ length: 6_000 }, (_, i) => task(i + 1));
    const first = await ctx.board.writeTaskList(p, { tasks: list }, 'importer', { progress: 'take' });
    expect(first).toMatchObject({ created: 6_000 });
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
    // The same list, dependencies in another order: nothing to write.
    const again = list.map((t) => ({ ...t, dependencies: [...t.dependencies].reverse() }));
    expect(await ctx.board.writeTaskList(p, { tasks: again }, 'importer', { progress: 'take' })).toMatchObject({ updated: 0, unchanged: 6_000 });
    const edits: Record<string, object> = {
      T10: { tags: ['a', 'b c'] }, T20: { priority: 4 }, T30: { completed_at: '2026-01-02T03:04:05.124Z' }, T40: { title: 't40 again' },
      T43: { title: 't43' }, T5000: { dependencies: ['T4999'] }, T5499: { status: 'pending' }, T5990: { assignee: 'w2' },
    };
    const edited = list.map((t) => ({ ...t, ...edits[t.id] }));
    // A new task counts the statuses this write leaves: T5499 is reopened by it, T9 stays done.
    edited.push({ ...task(6_001), dependencies: ['T5499', 'T9'] });
    const r = await ctx.board.writeTaskList(p, { tasks: edited }, 'importer', { progress: 'take' });
    expect(r).toMatchObject({ created: 1, updated: Object.keys(edits).length, unchanged: 6_000 - Object.keys(edits).length });
    const b = await ctx.board.readTaskBreakdown(p, { limit: 500, offset: 5_600 });
    expect(b.tasks.find((t) => t.id === 'T6001')).toMatchObject({ ready: false, dependencies: ['T5499', 'T9'] });
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
    expect(await ctx.board.writeTaskList(p, { tasks: edited }, 'importer', { progress: 'take' })).toMatchObject({ updated: 0, unchanged: 6_001 });
  });

  it('does not repeat a note given without a time when the same list is written again', async () => {
    const p = newProject();
    const list = { tasks: [{ id: 'A', description: 'a', notes: ['remember the flag'] }] };
    await ctx.board.writeTaskList(p, list);
    expect(await ctx.board.writeTaskList(p, list)).toMatchObject({ updated: 0 });
    expect((await ctx.board.readTaskBreakdown(p, { include_notes: true })).tasks[0].notes!.map((n) => n.note)).toEqual(['remember the flag']);
  });

  it('edits a task with update_task, keeping unmet_deps exact and guarding versions', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, {
      tasks: [{ id: 'A', description: 'a', status: 'completed' }, { id: 'B', description: 'b' }, { id: 'C', description: 'c', dependencies: ['B'] }],
    });
    const r = await ctx.board.updateTask(p, { task_id: 'C', dependencies: ['A'], priority: 'critical', title: 'C!' });
    expect(r.changed.sort()).toEqual(['dependencies', 'priority', 'title']);
    expect(r.task).toMatchObject({ priority: 1, dependencies: ['A'], ready: true });
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
    await rejects(ctx.board.updateTask(p, { task_id: 'A', dependencies: ['C'] }), 'dependency_cycle', /cycle (A → C → A|C → A → C)/);
    expect((await ctx.board.readTaskBreakdown(p)).tasks.find((t) => t.id === 'A')!.dependencies).toEqual([]);
    await rejects(ctx.board.updateTask(p, { task_id: 'B', dependencies: ['nope'] }), 'invalid_input', /"nope" names no task/);
    await rejects(ctx.board.updateTask(p, { task_id: 'C', title: 'x', expected_version: 1 }), 'conflict', /version/);
    await rejects(ctx.board.updateTask(p, { task_id: 'missing', title: 'x' }), 'not_found', /no task "missing"/);
  });

  it('explains why nothing is ready: empty, blocked with chains, all done', async () => {
    const p = newProject();
    // Nothing ever written to it: most often a mistyped name, which must not read as a board whose work is done.
    expect(await ctx.board.nextTask(p, { agent: 'w' })).toMatchObject({ reason: 'empty', message: expect.stringMatching(new RegExp(`^there is no project "${p}": nothing was ever written to it`)) });
    const settled = newProject();
    await ctx.board.setProjectSettings(settled, { lease_seconds: 60 });
    expect(await ctx.board.nextTask(settled, { agent: 'w' })).toMatchObject({ reason: 'empty', message: 'the board is empty; write tasks with write_task_list' });
    // read_task_breakdown says the same of a project nothing was written to, and nothing of an empty one that exists.
    expect(await ctx.board.readTaskBreakdown(p)).toMatchObject({ total_tasks: 0, message: expect.stringMatching(new RegExp(`^there is no project "${p}": nothing was ever written to it`)) });
    expect(await ctx.board.readTaskBreakdown(settled)).not.toHaveProperty('message');
    await ctx.board.writeTaskList(p, {
      tasks: [
        { id: 'T1', description: 'x', status: 'failed' },
        { id: 'T3', description: 'x', dependencies: ['T1'] },
        { id: 'T5', description: 'x', dependencies: ['T3'] },
      ],
    });
    const blocked = await ctx.board.nextTask(p, { agent: 'w' });
    expect(blocked.reason).toBe('blocked');
    expect(blocked.blocked_chains).toContain('T5 → T3 → T1 (failed)');
    await ctx.board.markTaskStatus(p, { task_id: 'T1', status: 'cancelled' });
    await ctx.board.markTaskStatus(p, { task_id: 'T3', status: 'cancelled' });
    await ctx.board.markTaskStatus(p, { task_id: 'T5', status: 'cancelled' });
    expect((await ctx.board.nextTask(p, { agent: 'w' })).reason).toBe('all_done');
  });

  it('rejects unknown statuses and tasks with a message naming the field', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }] });
    await rejects(ctx.board.markTaskStatus(p, { task_id: 'T', status: 'sideways' }), 'invalid_input', /^status: unknown status "sideways"; use one of pending/);
    await rejects(ctx.board.markTaskStatus(p, { task_id: 'X', status: 'done' }), 'not_found', /^task_id: no task "X"/);
    await rejects(ctx.board.readTaskBreakdown(p, { status: 'nah' }), 'invalid_input', /status/);
  });

  it('hands 16 concurrent claimers 16 different tasks', async () => {
    const p = newProject();
    await ctx.board.writeTaskList(p, { tasks: Array.from({ length: 40 }, (_, i) => ({ id: `T${i}`, description: 'x' })) });
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => ctx.board.nextTask(p, { agent: `w${i}` })));
    const ids = results.map((r) => r.task?.id);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(16);
    const b = await ctx.board.readTaskBreakdown(p, { status: 'in_progress', limit: 100 });
    expect(b.tasks).toHaveLength(16);
    expect(b.tasks.every((t) => t.attempts === 1)).toBe(true);
  });
});
