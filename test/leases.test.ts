import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../src/tasks/errors.js';
import { startReaper } from '../src/tasks/reaper.js';
import { engines, newProject, recountMismatches, useTestBoard } from './helpers/engines.js';

describe.each(engines)('leases, heartbeats and attempts on %s', (engine) => {
  const ctx = useTestBoard(engine, { ownDatabase: true });

  const expire = (project: string, taskId: string) =>
    sql`update tasks set lease_expires_at = now() - interval '1 second' where project_id = ${project} and id = ${taskId}`.execute(ctx.store.db);
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: DomainError) => `${e.code}: ${e.message}`);
  const events = async (project: string, kind: string) =>
    (await sql<{ task_id: string; data: { agent: string } }>`select task_id, data from task_events where project_id = ${project} and kind = ${kind} order by id`.execute(ctx.store.db)).rows;

  it('returns an expired task to pending with a lease_expired event naming the agent', async () => {
    const p = newProject('lease');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }, { id: 'U', description: 'y' }] });
    const claimed = await ctx.board.nextTask(p, { agent: 'w1', lease_seconds: 600 });
    expect(claimed.task!.id).toBe('T');
    expect(Date.parse(claimed.task!.lease_expires_at!) - Date.now()).toBeGreaterThan(500_000);
    await ctx.board.nextTask(p, { agent: 'w2' });
    expect(await ctx.board.reapExpiredLeases()).toEqual([]);
    await expire(p, 'T');
    const reaped = await ctx.board.reapExpiredLeases();
    expect(reaped).toEqual([{ project_id: p, id: 'T', agent: 'w1', status: 'pending', attempts: 1 }]);
    expect(await events(p, 'lease_expired')).toEqual([{ task_id: 'T', data: { agent: 'w1', attempts: 1 } }]);
    const again = await ctx.board.nextTask(p, { agent: 'w3' });
    expect(again.task).toMatchObject({ id: 'T', attempts: 2, assignee: 'w3' });
  });

  it('fails a task whose lease expires at max_attempts', async () => {
    const p = newProject('maxatt');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x', max_attempts: 2 }] });
    for (const agent of ['w1', 'w2']) {
      await ctx.board.nextTask(p, { agent });
      await expire(p, 'T');
      await ctx.board.reapExpiredLeases();
    }
    const t = (await ctx.board.readTaskBreakdown(p)).tasks[0];
    expect(t).toMatchObject({ status: 'failed', attempts: 2, result: 'lease expired after 2 attempts' });
    expect((await ctx.board.nextTask(p, { agent: 'w3' })).reason).toBe('all_done');
  });

  it('takes the default max_attempts and lease from the project settings', async () => {
    const p = newProject('settings');
    await ctx.board.setProjectSettings(p, { max_attempts: 1, lease_seconds: 60 });
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }] });
    const claimed = await ctx.board.nextTask(p, { agent: 'w1' });
    const leaseMs = Date.parse(claimed.task!.lease_expires_at!) - Date.now();
    expect(leaseMs).toBeGreaterThan(30_000);
    expect(leaseMs).toBeLessThan(120_000);
    await expire(p, 'T');
    await ctx.board.reapExpiredLeases();
    expect((await ctx.board.readTaskBreakdown(p)).tasks[0]).toMatchObject({ status: 'failed', attempts: 1, result: 'lease expired after 1 attempts' });
  });

  it('refuses a late report from an agent that lost its lease, keeping the new holder’s work', async () => {
    const p = newProject('late');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }] });
    await ctx.board.nextTask(p, { agent: 'slow' });
    await expire(p, 'T');
    await ctx.board.reapExpiredLeases();
    expect(await codeOf(ctx.board.markTaskStatus(p, { task_id: 'T', status: 'completed', agent: 'slow', result: 'late' }))).toMatch(/^lease_lost: task_id: your lease on T expired/);
    await ctx.board.nextTask(p, { agent: 'fast' });
    expect(await codeOf(ctx.board.markTaskStatus(p, { task_id: 'T', status: 'completed', agent: 'slow', result: 'late' }))).toMatch(/^lease_lost: task_id: T is now held by agent "fast"/);
    expect(await codeOf(ctx.board.heartbeat(p, { task_id: 'T', agent: 'slow' }))).toMatch(/^lease_lost/);
    const done = await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'completed', agent: 'fast', result: 'on time' });
    expect(done.task).toMatchObject({ status: 'completed', result: 'on time', assignee: 'fast' });
    expect(await codeOf(ctx.board.markTaskStatus(p, { task_id: 'T', status: 'failed', agent: 'slow' }))).toMatch(/^lease_lost/);
  });

  it('lets only the holder extend a lease with heartbeat', async () => {
    const p = newProject('hb');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }, { id: 'P', description: 'pending' }] });
    const claimed = await ctx.board.nextTask(p, { agent: 'w1', lease_seconds: 30 });
    const beat = await ctx.board.heartbeat(p, { task_id: 'T', agent: 'w1', lease_seconds: 3600, note: 'halfway' });
    expect(Date.parse(beat.lease_expires_at)).toBeGreaterThan(Date.parse(claimed.task!.lease_expires_at!) + 3_000_000);
    expect(await codeOf(ctx.board.heartbeat(p, { task_id: 'T', agent: 'w2' }))).toMatch(/^lease_lost: task_id: T is now held by agent "w1"/);
    expect(await codeOf(ctx.board.heartbeat(p, { task_id: 'P', agent: 'w1' }))).toMatch(/^invalid_transition: task_id: P is pending/);
    expect(await codeOf(ctx.board.heartbeat(p, { task_id: 'nope', agent: 'w1' }))).toMatch(/^not_found/);
    const notes = (await ctx.board.readTaskBreakdown(p, { include_notes: true })).tasks[0].notes!;
    expect(notes.map((n) => n.note)).toEqual(['halfway']);
  });

  it('refuses a status change against a stale expected_version', async () => {
    const p = newProject('ver');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }] });
    const v = (await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'blocked' })).task.version!;
    await ctx.board.updateTask(p, { task_id: 'T', title: 'changed by someone else' });
    expect(await codeOf(ctx.board.markTaskStatus(p, { task_id: 'T', status: 'pending', expected_version: v }))).toMatch(/^conflict: expected_version: T is at version \d+/);
    const ok = await ctx.board.markTaskStatus(p, { task_id: 'T', status: 'pending', expected_version: v + 1 });
    expect(ok.changed).toBe(true);
  });

  it('handles each expired task exactly once with concurrent reapers', async () => {
    const p = newProject('reapers');
    await ctx.board.writeTaskList(p, { tasks: Array.from({ length: 30 }, (_, i) => ({ id: `T${i}`, description: 'x', dependencies: i % 3 ? [`T${i - 1}`] : [] })) });
    for (let i = 0; i < 10; i++) await ctx.board.nextTask(p, { agent: `w${i}` });
    await sql`update tasks set lease_expires_at = now() - interval '1 second' where project_id = ${p} and status = 'in_progress'`.execute(ctx.store.db);
    const results = await Promise.all(Array.from({ length: 4 }, () => ctx.board.reapExpiredLeases()));
    const mine = results.flat().filter((t) => t.project_id === p);
    expect(mine).toHaveLength(10);
    expect(new Set(mine.map((t) => t.id)).size).toBe(10);
    expect(await events(p, 'lease_expired')).toHaveLength(10);
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
  });

  it('reaps at start, not one interval later (a restart returns dead agents\' work at once)', async () => {
    const p = newProject('atstart');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }] });
    await ctx.board.nextTask(p, { agent: 'w1' });
    await expire(p, 'T');
    const reaper = startReaper(ctx.board, pino({ level: 'silent' }), 3_600_000);
    try {
      await vi.waitFor(async () => expect((await ctx.board.readTaskBreakdown(p)).tasks[0].status).toBe('pending'), { timeout: 3000, interval: 50 });
    } finally {
      await reaper.stop();
    }
  });

  it('runs the reaper in the background until stopped', async () => {
    const p = newProject('bg');
    await ctx.board.writeTaskList(p, { tasks: [{ id: 'T', description: 'x' }] });
    await ctx.board.nextTask(p, { agent: 'w1' });
    const reaper = startReaper(ctx.board, pino({ level: 'silent' }), 50);
    try {
      await expire(p, 'T');
      await vi.waitFor(async () => expect((await ctx.board.readTaskBreakdown(p)).tasks[0].status).toBe('pending'), { timeout: 10_000, interval: 50 });
    } finally {
      await reaper.stop();
    }
  });
});
