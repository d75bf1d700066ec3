import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockFolder } from '../src/db/folder-lock.js';
import { readHostInfo } from '../src/host/host-files.js';
import { preparedFolder } from './helpers/folders.js';
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

  beforeEach(async () => {
    ({ root, folder } = await preparedFolder('host'));
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

  it('keeps its socket, address and token readable by its user only, and shows and stops by command', async () => {
    await connect('modes');
    const info = readHostInfo(folder)!;
    expect(fs.statSync(path.join(folder, 'host.json')).mode & 0o077).toBe(0);
    expect(fs.statSync(info.socket).mode & 0o077).toBe(0);
    expect(fs.statSync(folder).mode & 0o077).toBe(0);
    const env = { ...process.env, TASKLANE_DATABASE_URL: folder };
    await vi.waitFor(() => expect(readHostInfo(folder)!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/), { timeout: 20_000 });
    const status = spawnSync(process.execPath, [CLI, 'host', 'status'], { env, encoding: 'utf8' });
    expect(status.stdout).toContain(`pid       ${info.pid}`);
    expect(status.stdout).toMatch(/sessions {2}1/);
    expect(status.stdout).not.toContain(info.token);
    const denied = await fetch(new URL('/board/api/snapshot', readHostInfo(folder)!.url));
    expect(denied.status).toBe(401);
    const stop = spawnSync(process.execPath, [CLI, 'host', 'stop'], { env, encoding: 'utf8' });
    expect(stop.stdout).toMatch(/stopped/);
    expect(alive(info.pid)).toBe(false);
  });

  const cli = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, TASKLANE_DATABASE_URL: folder, TASKLANE_PROJECT: 'host-test', ...extra }, encoding: 'utf8', cwd: root });

  it('runs every data command through a running host, printing what it prints without one', async () => {
    const agent = await connect('cli-neighbour');
    fs.writeFileSync(path.join(root, 'tasks.md'), '| ID | Task | Status |\n|----|------|--------|\n| T1 | First | done |\n| T2 | Second | todo |\n');
    const host = readHostInfo(folder)!.pid;
    const viaHost = {
      import: cli(['import', 'tasks.md']),
      status: cli(['status']),
      export: cli(['export', '--format', 'json']),
      project: cli(['project', '--lease-seconds', '120']),
      lesson: cli(['lessons', 'add', 'Excel writes a BOM', '--tags', 'csv']),
      search: cli(['lessons', 'search', 'bom']),
      migrate: cli(['migrate']),
    };
    for (const [name, r] of Object.entries(viaHost)) {
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).toBe('');
    }
    expect(viaHost.import.stdout).toMatch(/2 created/);
    expect(viaHost.status.stdout).toMatch(/^host-test: 2 tasks, 50% done/);
    expect(viaHost.search.stdout).toMatch(/Excel writes a BOM/);
    expect(viaHost.migrate.stdout).toBe(`the board host (pid ${host}) migrated the database when it started: it is up to date\n`);
    expect((await agent.call('read_task_breakdown', {})).structuredContent).toMatchObject({ total_tasks: 2 });
    expect(spawnSync(process.execPath, [CLI, 'host', 'stop'], { env: { ...process.env, TASKLANE_DATABASE_URL: folder }, encoding: 'utf8' }).stdout).toMatch(/stopped/);
    await agent.close();
    for (const name of ['status', 'export'] as const) {
      const direct = cli(name === 'status' ? ['status'] : ['export', '--format', 'json']);
      const undated = (out: string) => out.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
      expect(undated(direct.stdout), name).toBe(undated(viaHost[name].stdout));
    }
    expect(hostPids(folder)).toEqual([]);
  });

  it('stops a command quietly when its reader goes away (`tasklane export | head`), through the host and without one', async () => {
    const agent = await connect('reader-gone');
    const tasks = Array.from({ length: 2_000 }, (_, i) => ({ id: `LONG-${i}`, description: `a long export ${i} `.padEnd(300, 'x') }));
    expect((await agent.call('write_task_list', { tasks })).isError).toBeFalsy();
    const host = readHostInfo(folder)!.pid;
    /** Runs `tasklane export`, reads its first chunk of output, then closes the pipe as `head` does. */
    const exportToHead = (extra: Record<string, string> = {}) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'export', '--format', 'md'], {
          env: { ...process.env, TASKLANE_DATABASE_URL: folder, TASKLANE_PROJECT: 'host-test', ...extra }, cwd: root,
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.stdout.once('data', () => child.stdout.destroy());
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const viaHost = await exportToHead();
    expect(viaHost.stderr).toBe('');
    expect(viaHost.code).toBe(0);
    expect(readHostInfo(folder)?.pid).toBe(host);
    expect(cli(['status']).stdout).toMatch(/^host-test: 2000 tasks/);
    await agent.close();
    cli(['host', 'stop']);
    const direct = await exportToHead();
    expect(direct.stderr).toBe('');
    expect(direct.code).toBe(0);
  });

  it('lets a command wait, saying so, while another command holds the folder without a host', async () => {
    const held = lockFolder(folder, 'tasklane import');
    const child = spawn(process.execPath, [CLI, 'project'], { env: { ...process.env, TASKLANE_DATABASE_URL: folder, TASKLANE_PROJECT: 'host-test' }, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await vi.waitFor(() => expect(stderr).toBe(`waiting for tasklane import (pid ${process.pid}) to finish with ${folder}\n`), { timeout: 20_000, interval: 50 });
      expect(stdout).toBe('');
    } finally {
      held.release();
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^host-test: \{/);
    expect(hostPids(folder)).toEqual([]);
  });

  it('passes a write of 10,000 tasks (~5 MB, the input maximum) through the host', async () => {
    const agent = await connect('bulk');
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({ id: `BULK-${i}`, description: `bulk task ${i} `.padEnd(480, 'x') }));
    expect(JSON.stringify(tasks).length).toBeGreaterThan(5_000_000);
    const r = await agent.client.callTool({ name: 'write_task_list', arguments: { tasks } }, undefined, { timeout: 300_000 });
    expect(r.isError, JSON.stringify(r.content).slice(0, 300)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ created: 10_000, total_tasks: 10_000 });
  });

  it('answers initialize and tools/list on a new folder before its database is ready; the first call waits for it', async () => {
    const fresh = path.join(root, 'fresh');
    const s = await connectStdio({ TASKLANE_DATABASE_URL: fresh, TASKLANE_PROJECT: 'cold' }, 'cold-start');
    sessions.push(s);
    const { tools } = await s.client.listTools();
    expect(tools.length).toBeGreaterThan(5);
    await s.client.listPrompts();
    await s.client.listResources();
    const answeredAt = Date.now();
    const r = await s.client.callTool({ name: 'read_task_breakdown', arguments: {} }, undefined, { timeout: 120_000 });
    expect(r.structuredContent).toMatchObject({ project: 'cold', total_tasks: 0 });
    // The host logs its search mode once the database is open and migrated: the lists were answered before.
    const opened = fs.readFileSync(path.join(fresh, 'host.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { time: number; msg: string })
      .find((l) => l.msg.startsWith('lessons search is'));
    expect(opened, 'the host log names the search mode once the database is open').toBeDefined();
    expect(answeredAt).toBeLessThan(opened!.time);
    // A new folder starts from the database image prepared at build time, not from initdb.
    expect(fs.readFileSync(path.join(fresh, 'host.log'), 'utf8')).toContain('"msg":"a new database from the prepared image"');
    await s.close();
    spawnSync(process.execPath, [CLI, 'host', 'stop'], { env: { ...process.env, TASKLANE_DATABASE_URL: fresh } });
  });

  it('lets a stdio agent through `serve --http` on the folder, and refuses at once a folder held by a stdio server of its own', async () => {
    const http = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0'], { env: { ...process.env, TASKLANE_DATABASE_URL: folder, TASKLANE_PROJECT: 'host-test' } });
    try {
      await vi.waitFor(() => expect(readHostInfo(folder)?.url).toBeDefined(), { timeout: 30_000, interval: 100 });
      const agent = await connect('through-http');
      expect((await agent.call('write_task_list', { tasks: [{ id: 'H1', description: 'via serve --http' }] })).isError).toBeFalsy();
      expect(readHostInfo(folder)).toMatchObject({ pid: http.pid, role: 'serve --http' });
      expect(hostPids(folder)).toEqual([]);
      expect(cli(['status']).stdout).toMatch(/host-test: 1 tasks/);
      await agent.close();
    } finally {
      http.kill('SIGTERM');
      await new Promise((r) => http.once('exit', r));
    }
    const own = await connect('own-folder', { TASKLANE_BOARD_HOST: 'off' });
    const started = Date.now();
    const refused = await connectStdio({ TASKLANE_DATABASE_URL: folder }, 'refused').then(
      () => 'connected',
      (err: Error) => err.message,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(refused).toMatch(new RegExp(`held by pid \\d+ \\(tasklane over stdio with TASKLANE_BOARD_HOST=off\\).*remove TASKLANE_BOARD_HOST=off`));
    await own.close();
  });

  it('starts a host for `tasklane board` on a folder never opened before, and prints its board', () => {
    const fresh = path.join(root, 'never-opened');
    const r = cli(['board'], { TASKLANE_DATABASE_URL: fresh });
    try {
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/board\?project=host-test\n/);
      expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);
    } finally {
      cli(['host', 'stop'], { TASKLANE_DATABASE_URL: fresh });
    }
  });

  it('prints the board with a one-time sign-in link that signs in once', async () => {
    const r = cli(['board', '--project', 'my app']);
    expect(r.status, r.stderr).toBe(0);
    const [board, signIn] = r.stdout.trim().split('\n');
    expect(board).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/board\?project=my%20app$/);
    const link = /https?:\/\/\S+/.exec(signIn)![0];
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(new URL('/board/api/snapshot?project=my%20app', board), { headers: { cookie } })).status).toBe(200);
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(401);
    const page = await (await fetch(board)).text();
    expect(page).toContain('tasklane board');
    expect(page).toContain(path.join(folder, 'host.json'));
  });
});
