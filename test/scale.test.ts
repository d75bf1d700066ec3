import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { selectBlockedChains } from '../src/db/blocked-chains.js';
import { countCompletedPerHour, selectEvents as selectTaskEvents } from '../src/db/board-queries.js';
import { deleteOldEvents, selectEvents, selectLastHoldOf, selectLastNote, selectNotes } from '../src/db/events.js';
import type { Db } from '../src/db/schema.js';
import { countByStatus } from '../src/db/tasks.js';
import { readTaskBreakdown } from '../src/tasks/breakdown.js';
import { TaskBoard } from '../src/tasks/board.js';
import { BREAKDOWN_MAX } from '../src/mcp/resources.js';
import { SNAPSHOT_BATCH } from '../src/tasks/snapshot.js';
import { EXPORT_FORMATS, TRACKER_FORMATS } from '../src/trackers/export-tracker.js';
import { exportTracker } from './helpers/export-in-memory.js';
import { engines, newProject, recountMismatches, useTestBoard } from './helpers/engines.js';
import { countViolations } from './helpers/invariants.js';

// Sizes past the old limits, made in bulk SQL so that the suite stays quick.
const EXPORTED = 33_000; // more than 32,767: one bind parameter per id once broke here
const CHAIN = 5_000;

/** n tasks `<prefix>0` … written in one statement; each depends on the one before when `chained`. */
async function bulkTasks(db: Db, project: string, n: number, options: { prefix?: string; chained?: boolean; status?: string } = {}) {
  const prefix = options.prefix ?? 'T';
  await sql`insert into projects (id, name) values (${project}, ${project}) on conflict do nothing`.execute(db);
  await sql`
    insert into tasks (project_id, id, description, phase, status, unmet_deps)
    select ${project}, ${prefix} || i, 'task ' || i, 'P' || (i % 3), ${options.status ?? 'pending'}, case when ${options.chained ?? false} and i > 0 then 1 else 0 end
    from generate_series(0, ${n - 1}) i`.execute(db);
  if (options.chained) {
    await sql`
      insert into task_dependencies (project_id, task_id, depends_on)
      select ${project}, ${prefix} || i, ${prefix} || (i - 1) from generate_series(1, ${n - 1}) i`.execute(db);
  }
  await sql`analyze tasks, task_dependencies`.execute(db);
}

describe.each(engines)('boards past the old limits on %s', (engine) => {
  const ctx = useTestBoard(engine);

  it(`exports ${EXPORTED} tasks in every format, with their links and counts`, async () => {
    const p = newProject('export');
    await bulkTasks(ctx.store.db, p, EXPORTED, { chained: true });
    await sql`insert into task_events (project_id, task_id, kind, note) select ${p}, 'T' || i, 'note', 'n' || i from generate_series(0, 99) i`.execute(ctx.store.db);
    const snapshot = await ctx.board.snapshot(p);
    expect(snapshot.tasks).toHaveLength(EXPORTED);
    expect(snapshot.tasks[EXPORTED - 1]).toMatchObject({ id: `T${EXPORTED - 1}`, dependencies: [`T${EXPORTED - 2}`], blocks: [] });
    expect(snapshot.tasks[7].notes).toHaveLength(1);
    for (const format of EXPORT_FORMATS) expect(exportTracker(snapshot, format)).toContain(`T${EXPORTED - 1}`);
    expect((await ctx.board.readTaskBreakdown(p)).total_tasks).toBe(EXPORTED);
    expect(await countViolations(ctx.store, p)).toEqual([]);
  });

  it('streams an export of several batches that equals the same board written whole, in every format', async () => {
    const p = newProject('stream');
    const n = 2 * SNAPSHOT_BATCH + 1234;
    const db = ctx.store.db;
    await sql`insert into projects (id, name) values (${p}, ${p})`.execute(db);
    // A subtask written before its parent, then a board with phases and modules (some missing), titles,
    // results, statuses, priorities, scalar and nested metadata, subtasks written after their parents
    // (and some whose parent is no task), links, notes and status changes.
    const insert = (rows: ReturnType<typeof sql>) => sql`
      insert into tasks (project_id, id, description, title, phase, module, priority, status, result, metadata)
      select ${p}, id, 'task ' || id, case when i % 5 = 0 then 'title ' || i end,
        case when i % 11 = 0 then null else 'P' || (i * 7 % 4) end, case when i % 3 = 0 then null else 'M' || (i % 5) end,
        case when i % 13 = 0 then 1 else 3 end, case when i % 4 = 0 then 'completed' when i % 9 = 0 then 'cancelled' else 'pending' end,
        case when i % 4 = 0 then 'done ' || i end,
        case when i % 17 = 0 then jsonb_build_object('owner', 'o' || i, '2', i, 'flag', true, 'issue', 'I-' || i)
             when i % 19 = 0 then jsonb_build_object('nested', jsonb_build_object('a', 1), 'size', i) else '{}' end
      from (${rows}) r(id, i)`.execute(db);
    await insert(sql`values ('Z.1', 1)`);
    await insert(sql`select i::text, i from generate_series(0, ${n - 1}) i`);
    await insert(sql`select i || '.' || k, i + k from generate_series(0, ${n - 1}, 50) i, generate_series(1, 2) k`);
    await insert(sql`select 'Q' || i || '.1', i from generate_series(0, 99) i`);
    await insert(sql`values ('Z', 2)`);
    await sql`
      insert into task_dependencies (project_id, task_id, depends_on)
      select ${p}, i::text, (i - 1)::text from generate_series(1, ${n - 1}) i where i % 10 <> 0
      union all select ${p}, i || '.2', i || '.1' from generate_series(0, ${n - 1}, 50) i
      union all select ${p}, i::text, i || '.1' from generate_series(0, ${n - 1}, 100) i`.execute(db);
    await sql`
      insert into task_events (project_id, task_id, kind, from_status, to_status, note, actor, at)
      select ${p}, (i * 7 % ${n})::text, 'status', case when i % 3 > 0 then 'pending' end, case when i % 3 > 0 then 'in_progress' end,
        case when i % 3 = 0 then 'note ' || i when i % 3 = 1 then '' end, 'w' || (i % 3), now() - make_interval(secs => 20000 - i)
      from generate_series(0, 11999) i`.execute(db);
    await sql`analyze tasks, task_dependencies, task_events`.execute(db);
    const snapshot = await ctx.board.snapshot(p);
    const stamps = (text: string) => text.replace(/^(\*\*Generated:\*\* |\s*"(generated_at|created|updated)": ").*$/gm, '$1');
    for (const format of EXPORT_FORMATS) {
      const pieces: string[] = [];
      await ctx.board.exportTo(p, TRACKER_FORMATS[format], async (text) => void pieces.push(text));
      expect(pieces.length, format).toBeGreaterThan(3);
      expect(stamps(pieces.join('')), format).toBe(stamps(exportTracker(snapshot, format)));
    }
    // breakdown.md as a resource: the first tasks and change-log entries, and how many more there are.
    const capped: string[] = [];
    await ctx.board.exportTo(p, TRACKER_FORMATS.md, async (text) => void capped.push(text), { limit: BREAKDOWN_MAX });
    const text = capped.join('');
    const total = snapshot.tasks.length;
    expect(text).toContain(`**Progress:** ${snapshot.tasks.filter((t) => t.status === 'completed').length} of `);
    expect(text).toContain(`> ${(total - BREAKDOWN_MAX).toLocaleString('en-US')} more tasks are not shown here`);
    expect(text).toMatch(/> [\d,]+ later change-log entries are not shown here: `tasklane export --format md` writes them all\.\n$/);
    expect(text.split('\n').filter((l) => /^\| [^ ]+ \| task /.test(l))).toHaveLength(BREAKDOWN_MAX);
  });

  it('explains an empty claim on a large blocked board with a few chains and the counts', async () => {
    const p = newProject('blocked');
    await bulkTasks(ctx.store.db, p, CHAIN, { chained: true });
    // 30 more dead ends, each with a pending task behind it.
    await bulkTasks(ctx.store.db, p, 30, { prefix: 'F', status: 'failed' });
    await bulkTasks(ctx.store.db, p, 30, { prefix: 'W' });
    await sql`insert into task_dependencies (project_id, task_id, depends_on) select ${p}, 'W' || i, 'F' || i from generate_series(0, 29) i`.execute(ctx.store.db);
    await sql`update tasks set unmet_deps = 1 where project_id = ${p} and id like 'W%'`.execute(ctx.store.db);
    await sql`update tasks set status = 'cancelled' where project_id = ${p} and id = 'T0'`.execute(ctx.store.db);
    const r = await ctx.board.nextTask(p, { agent: 'w' });
    expect(r).toMatchObject({ task: null, reason: 'blocked' });
    expect(r.message).toMatch(new RegExp(`deadlock: ${CHAIN - 1 + 30} pending`));
    // Any 5 of the 31 dead ends (ordering them all would read them all), each read up from its dead end.
    expect(r.blocked_chains).toHaveLength(5);
    for (const chain of r.blocked_chains!) expect(chain).toMatch(/^(W(\d+) → F\2 \(failed\)|T50 → T49 → .* → T1 → T0 \(cancelled\))$/);
    expect(r.counts).toMatchObject({ total: CHAIN + 60, pending: CHAIN - 1 + 30, failed: 30, cancelled: 1, ready: 0 });
    // With the long line the only one left, its chain is cut at 50 steps from its dead end.
    await sql`update tasks set status = 'cancelled' where project_id = ${p} and id like 'W%'`.execute(ctx.store.db);
    const alone = await ctx.board.nextTask(p, { agent: 'w' });
    expect(alone.blocked_chains).toHaveLength(1);
    expect(alone.blocked_chains![0]).toMatch(/^T50 → T49 → .* → T1 → T0 \(cancelled\)$/);
  });

  it(`refuses a cycle across a chain of ${CHAIN} tasks, from update_task and write_task_list, and writes nothing`, async () => {
    const p = newProject('cycle');
    await bulkTasks(ctx.store.db, p, CHAIN, { chained: true });
    const last = `T${CHAIN - 1}`;
    await expect(ctx.board.updateTask(p, { task_id: 'T0', dependencies: [last] })).rejects.toMatchObject({ code: 'dependency_cycle' });
    const cycle = await ctx.board.updateTask(p, { task_id: 'T0', dependencies: [last] }).catch((e: Error) => e.message);
    expect(cycle).toMatch(new RegExp(`T0 → ${last} → T${CHAIN - 2} → .* → T1 → T0`));
    expect(String(cycle).length).toBeLessThan(300); // a long cycle is shown by its ends
    await expect(ctx.board.writeTaskList(p, { tasks: [{ id: 'T0', description: 'again', dependencies: ['X'] }, { id: 'X', description: 'new', dependencies: [last] }] }))
      .rejects.toMatchObject({ code: 'dependency_cycle' });
    expect((await ctx.board.snapshot(p, ['T0'])).tasks[0]).toMatchObject({ description: 'task 0', dependencies: [] });
    expect((await ctx.board.readTaskBreakdown(p)).total_tasks).toBe(CHAIN);
    // Without a cycle: one new task at the end of the line, and an existing task rewired, both accepted.
    const written = await ctx.board.writeTaskList(p, { tasks: [{ id: 'END', description: 'end', dependencies: [last] }] });
    expect(written).toMatchObject({ created: 1, total_tasks: CHAIN + 1 });
    await ctx.board.updateTask(p, { task_id: 'T2', dependencies: ['T0'] });
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
    expect(await countViolations(ctx.store, p)).toEqual([]);
  });

  it('plans every query it runs on task_events (and the hot task reads) on an index', async () => {
    const p = newProject('index');
    await bulkTasks(ctx.store.db, p, 2000, { chained: true });
    await sql`
      insert into task_events (project_id, task_id, kind, to_status, note, actor, at)
      select ${p}, 'T' || (i % 2000), case when i % 3 = 0 then 'note' else 'status' end, case when i % 3 = 1 then 'completed' end,
        case when i % 3 = 0 then 'n' end, 'w', now() - make_interval(mins => i)
      from generate_series(0, 19999) i`.execute(ctx.store.db);
    await sql`analyze task_events, tasks, task_dependencies`.execute(ctx.store.db);
    const seqScans = await ctx.store.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      await selectNotes(trx, p, ['T1', 'T2']);
      await selectLastNote(trx, p, 'T3');
      await selectLastHoldOf(trx, p, 'T4', 'w');
      await selectEvents(trx, p);
      await selectEvents(trx, p, ['T5']);
      await selectTaskEvents(trx, p, 'T6', 50, 0);
      await countCompletedPerHour(trx, p, 24);
      await deleteOldEvents(trx, 10, 100);
      await countByStatus(trx, p);
      await selectBlockedChains(trx, p, 5);
      await readTaskBreakdown(trx, p, {});
      await readTaskBreakdown(trx, p, { status: 'ready' });
      const { rows } = await sql<{ relname: string; seq_scan: number }>`
        select relname, seq_scan::int from pg_stat_xact_user_tables
        where relname in ('task_events', 'tasks', 'task_dependencies', 'task_counts') and seq_scan > 0`.execute(trx);
      return rows;
    });
    expect(seqScans).toEqual([]);
  });

  it('deletes events older than TASKLANE_EVENT_RETENTION_DAYS, keeping notes and recent events', async () => {
    const p = newProject('retention');
    await bulkTasks(ctx.store.db, p, 3);
    await sql`
      insert into task_events (project_id, task_id, kind, to_status, note, at) values
        (${p}, 'T0', 'status', 'in_progress', null, now() - interval '40 days'),
        (${p}, 'T0', 'note', null, 'keep me', now() - interval '40 days'),
        (${p}, 'T1', 'status', 'completed', null, now() - interval '10 days')`.execute(ctx.store.db);
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from task_events where project_id = ${p}`.execute(ctx.store.db)).rows[0].n;
    expect(await new TaskBoard(ctx.store.db, { leaseSeconds: 60 }).pruneEvents()).toBe(0);
    expect(await count()).toBe(3);
    const board = new TaskBoard(ctx.store.db, { leaseSeconds: 60, eventRetentionDays: 30 });
    expect(await board.pruneEvents()).toBeGreaterThanOrEqual(1);
    const left = await sql<{ task_id: string; note: string | null }>`select task_id, note from task_events where project_id = ${p} order by id`.execute(ctx.store.db);
    expect(left.rows).toEqual([{ task_id: 'T0', note: 'keep me' }, { task_id: 'T1', note: null }]);
  });

  it('folds the counts of a board of many phases only when deltas pile up, not on every read', async () => {
    const p = newProject('fold');
    await sql`insert into projects (id, name) values (${p}, ${p})`.execute(ctx.store.db);
    // 300 phases: 300 keys, more than the 200 deltas a project may gather before a fold.
    await sql`insert into tasks (project_id, id, description, phase) select ${p}, 'T' || i, 'task', 'P' || i from generate_series(0, 299) i`.execute(ctx.store.db);
    const rows = async () => (await sql<{ xmin: string }>`select xmin::text from task_counts where project_id = ${p} order by xmin::text`.execute(ctx.store.db)).rows;
    await countByStatus(ctx.store.db, p); // the first read folds the insert's rows
    const folded = await rows();
    expect(folded).toHaveLength(300);
    await countByStatus(ctx.store.db, p);
    expect(await rows()).toEqual(folded); // a read of a folded board rewrites nothing
    for (let i = 0; i < 250; i++) await ctx.board.markTaskStatus(p, { task_id: `T${i}`, status: 'blocked' });
    expect((await countByStatus(ctx.store.db, p)).blocked).toBe(250);
    expect(await rows()).toHaveLength(300); // 250 deltas beyond the keys: folded, to 50 pending and 250 blocked
    expect(await countViolations(ctx.store, p)).toEqual([]);
  });

  it('keeps the counts exact through claims and reports (which count themselves) and writes that move many tasks at once', async () => {
    const p = newProject('moves');
    const tasks = Array.from({ length: 300 }, (_, i) => ({ id: `T${i}`, description: `task ${i}`, phase: `P${i % 3}` }));
    await ctx.board.writeTaskList(p, { tasks });
    for (let i = 0; i < 40; i++) {
      const next = await ctx.board.nextTask(p, { agent: 'w' });
      if (i % 4 === 3) continue; // some stay held
      await ctx.board.markTaskStatus(p, { task_id: next.task!.id, status: i % 4 === 2 ? 'failed' : 'completed', agent: 'w' });
    }
    // One write moves 200 tasks to other phases, and makes 100 pending tasks wait on a held one.
    const held = (await ctx.board.readTaskBreakdown(p, { status: 'in_progress' })).tasks[0].id;
    await ctx.board.writeTaskList(p, {
      tasks: tasks.map((t, i) => ({ ...t, phase: i < 200 ? `Q${i % 7}` : t.phase, dependencies: i >= 200 ? [held] : [] })).filter((t) => t.id !== held),
    });
    expect(await countViolations(ctx.store, p)).toEqual([]);
    await ctx.board.markTaskStatus(p, { task_id: held, status: 'completed', agent: 'w' }); // the 100 are ready again, through the hot path
    expect(await countViolations(ctx.store, p)).toEqual([]);
    const counts = await countByStatus(ctx.store.db, p);
    expect(counts.ready).toBeGreaterThan(100);
  });
});
