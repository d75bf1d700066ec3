import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Upstream } from '../transports/stdio-proxy.js';
import { type HostInfo, hostLogPath, hostStartLockPath, isAlive, readHostInfo } from './host-files.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HostStartError extends Error {}

/** The host's health, or undefined when it does not answer. */
export async function hostHealth(info: HostInfo): Promise<Record<string, unknown> | undefined> {
  if (!isAlive(info.pid)) return undefined;
  try {
    const res = await fetch(new URL('/healthz', info.url), { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function answeringHost(folder: string): Promise<HostInfo | undefined> {
  const info = readHostInfo(folder);
  return info && (await hostHealth(info)) ? info : undefined;
}

/** Exclusive right to start the host for a folder; a lock left by a dead process is taken over. */
function tryStartLock(folder: string): boolean {
  const file = hostStartLockPath(folder);
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // The holder writes its pid just after creating the file: an empty file is a start in progress.
    const holder = Number(fs.readFileSync(file, 'utf8'));
    const young = Date.now() - fs.statSync(file).mtimeMs < 10_000;
    if (holder ? !isAlive(holder) : !young) fs.rmSync(file, { force: true });
    return false;
  }
}

/** Starts the host detached, so that it outlives this process; reports whether it has exited. */
/** Another process owns the database folder (a host that is still starting, most often). */
function folderHeldByLiveProcess(folder: string): boolean {
  try {
    const { pid } = JSON.parse(fs.readFileSync(path.join(folder, 'tasklane.lock'), 'utf8')) as { pid: number };
    return isAlive(pid);
  } catch {
    return false;
  }
}

function startHostProcess(folder: string): () => number | null {
  const child = spawn(process.execPath, [CLI, 'host', 'run'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, TASKLANE_DATABASE_URL: folder },
  });
  let exitCode: number | null = null;
  child.once('exit', (code) => (exitCode = code ?? 1));
  child.unref();
  return () => exitCode;
}

function lastLogLine(folder: string): string {
  try {
    const lines = fs.readFileSync(hostLogPath(folder), 'utf8').trim().split('\n').slice(-20).reverse();
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      if (entry.level >= 50) return entry.msg;
    }
  } catch {
    // no log yet
  }
  return 'see the log';
}

/**
 * The board host for an embedded folder: the running one, or a new one started detached. Starts that
 * race are settled by a lock file, so exactly one host runs per folder.
 */
export async function locateHost(folder: string): Promise<Upstream> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let started = false;
  while (Date.now() < deadline) {
    const running = await answeringHost(folder);
    if (running) return { url: new URL(running.url), token: running.token };
    if (!started && tryStartLock(folder)) {
      try {
        const again = await answeringHost(folder);
        if (again) return { url: new URL(again.url), token: again.token };
        const exited = startHostProcess(folder);
        started = true;
        while (Date.now() < deadline) {
          await sleep(100);
          if (exited() !== null && !folderHeldByLiveProcess(folder) && !(await answeringHost(folder))) {
            throw new HostStartError(`the board host for ${folder} stopped at start: ${lastLogLine(folder)} (log: ${hostLogPath(folder)})`);
          }
          const info = await answeringHost(folder);
          if (info) return { url: new URL(info.url), token: info.token };
        }
      } finally {
        fs.rmSync(hostStartLockPath(folder), { force: true });
      }
    }
    await sleep(100);
  }
  throw new HostStartError(
    `the board host for ${folder} did not start within ${START_TIMEOUT_MS / 1000} s (${lastLogLine(folder)}); ` +
      `its log is ${hostLogPath(folder)}. Set TASKLANE_BOARD_HOST=off to open the folder directly.`,
  );
}
