import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readHostInfo } from '../src/host/host-files.js';
import { seededDataFolder } from './helpers/data-folder.js';
import { CLI, connectStdio, text } from './helpers/stdio-client.js';

type Session = Awaited<ReturnType<typeof connectStdio>>;

/** Board host processes serving `folder`, found by the database folder in their environment. */
function hostPids(folder: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args.includes('host') || !args.includes('run')) continue;
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`TASKLANE_DATABASE_URL=${folder}`)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the local board host', () => {
  let root: string;
  let folder: string;
  const sessions: Session[] = [];
  const connect = async (name: string, extra: Record<string, string> = {}) => {
    const s = await connectStdio({ TASKLANE_DATABASE_URL: folder, TASKLANE_PROJECT: 'host-test', ...extra }, name);
    sessions.push(s);
    return s;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-host-'));
    folder = seededDataFolder(path.join(root, 'board'));
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close().catch(() => {})));
    for (const pid of hostPids(folder)) process.kill(pid, 'SIGTERM');
    await vi.waitFor(() => expect(hostPids(folder)).toEqual([]), { timeout: 20_000, interval: 100 });
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('lets three stdio agents share one embedded board: 300 tasks, each done exactly once', async () => {
    const agents = await Promise.all(['a1', 'a2', 'a3'].map((name) => connect(name)));
    expect(hostPids(folder)).toHaveLength(1);
    const written = await agents[0].call('write_task_list', {
      tasks: Array.from({ length: 300 }, (_, i) => ({ id: `T${i}`, description: `task ${i}`, dependencies: i % 10 ? [`T${i - 1}`] : [] })),
    });
    expect(written.structuredContent).toMatchObject({ created: 300 });
    const done = new Map<string, string>();
    await Promise.all(
      agents.map(async (agent, n) => {
        for (;;) {
          const next = await agent.call('get_next_task', { agent: `a${n}` });
          const task = (next.structuredContent as { task: { id: string } | null; reason?: string }).task;
          if (!task) {
            if ((next.structuredContent as { reason: string }).reason === 'all_done') return;
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          expect(done.has(task.id), `${task.id} handed out twice`).toBe(false);
          done.set(task.id, `a${n}`);
          const r = await agent.call('mark_task_status', { task_id: task.id, status: 'completed', agent: `a${n}`, result: 'ok' });
          expect(r.isError, text(r)).toBeFalsy();
        }
      }),
    );
    expect(done.size).toBe(300);
    expect(new Set(done.values()).size).toBeGreaterThan(1);
    const board = await agents[1].call('read_task_breakdown', {});
    expect(board.structuredContent).toMatchObject({ total_tasks: 300, completed_count: 300 });
  });

  it('starts exactly one host when ten tasklane processes start at once', async () => {
    const started = await Promise.all(Array.from({ length: 10 }, (_, i) => connect(`racer-${i}`)));
    expect(started).toHaveLength(10);
    expect(hostPids(folder)).toEqual([readHostInfo(folder)!.pid]);
    const r = await started[9].call('read_task_breakdown', {});
    expect(r.isError).toBeFalsy();
  });

  it('survives a host killed mid-stream: one failed call at most, every acknowledged write kept', async () => {
    const agent = await connect('writer');
    const acknowledged: string[] = [];
    let failures = 0;
    const firstHost = readHostInfo(folder)!.pid;
    for (let i = 0; i < 60; i++) {
      if (i === 30) process.kill(firstHost, 'SIGKILL');
      const r = await agent.call('write_task_list', { tasks: [{ id: `W${i}`, description: `write ${i}` }] }).catch((err: Error) => ({ isError: true, content: [{ type: 'text' as const, text: err.message }] }));
      if (r.isError) {
        failures++;
        expect(text(r)).toMatch(/board host stopped during this call|restarted/);
      } else acknowledged.push(`W${i}`);
    }
    expect(failures).toBeLessThanOrEqual(1);
    const secondHost = readHostInfo(folder)!.pid;
    expect(secondHost).not.toBe(firstHost);
    expect(alive(firstHost)).toBe(false);
    const board = await agent.call('read_task_breakdown', { limit: 100 });
    const ids = (board.structuredContent as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id);
    for (const id of acknowledged) expect(ids).toContain(id);
  });

  it('stops when idle and comes back with the next client', async () => {
    const first = await connect('idle-1', { TASKLANE_BOARD_HOST_IDLE_SECONDS: '1' });
    const pid = readHostInfo(folder)!.pid;
    await first.close();
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 20_000, interval: 100 });
    expect(readHostInfo(folder)).toBeUndefined();
    const second = await connect('idle-2');
    expect(readHostInfo(folder)!.pid).not.toBe(pid);
    expect((await second.call('read_task_breakdown', {})).isError).toBeFalsy();
  });

  it('keeps its address and token readable by its user only, and shows and stops by command', async () => {
    await connect('modes');
    const info = readHostInfo(folder)!;
    expect(new URL(info.url).hostname).toBe('127.0.0.1');
    expect(fs.statSync(path.join(folder, 'host.json')).mode & 0o077).toBe(0);
    expect(fs.statSync(folder).mode & 0o077).toBe(0);
    const env = { ...process.env, TASKLANE_DATABASE_URL: folder };
    const status = spawnSync(process.execPath, [CLI, 'host', 'status'], { env, encoding: 'utf8' });
    expect(status.stdout).toContain(`pid       ${info.pid}`);
    expect(status.stdout).toMatch(/sessions {2}1/);
    expect(status.stdout).not.toContain(info.token);
    const denied = await fetch(info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(denied.status).toBe(401);
    const stop = spawnSync(process.execPath, [CLI, 'host', 'stop'], { env, encoding: 'utf8' });
    expect(stop.stdout).toMatch(/stopped/);
    expect(alive(info.pid)).toBe(false);
  });
});
