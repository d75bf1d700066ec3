import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { folderLockPath, lockHolder, tryLockFile } from '../db/folder-lock.js';
import { hostLogPath, hostStartLockPath, SOCKET_ROLES, STDIO_ROLE } from './host-files.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HostStartError extends Error {}

/** The last error the host logged (its start failed), or a pointer to the log. */
function lastLogError(folder: string): string {
  try {
    const lines = fs.readFileSync(hostLogPath(folder), 'utf8').trim().split('\n').slice(-20).reverse();
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      if (entry.level >= 50) return entry.msg;
    }
  } catch {
    // no log yet
  }
  return 'see its log';
}

function spawnHost(folder: string): () => number | null {
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

/**
 * What holds the folder when nothing answers on its socket: undefined when nobody does. A holder that
 * serves the socket is still starting (wait for it); an agent's own stdio server is refused at once.
 */
function folderHolder(folder: string) {
  const file = folderLockPath(folder);
  const noted = lockHolder(file);
  if (!noted) return undefined;
  // The note outlives a holder that crashed; the OS lock does not.
  const probe = tryLockFile(file, 'checking whether the folder is free');
  if (!probe) return noted;
  probe.release();
  return undefined;
}

/**
 * Makes sure a host serves the folder: waits while one starts, else starts one detached (a lock on the
 * start settles races, so exactly one starts) and returns the first connection `connect` makes. Fails at once
 * when the folder is held by a process that serves no socket for good.
 */
export async function ensureHost<T>(folder: string, connect: () => Promise<T | undefined>): Promise<T> {
  // A first start (`tasklane board` before any agent ran) finds no folder to hold the start lock in.
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const first = await connect();
    if (first) return first;
    const holder = folderHolder(folder);
    if (holder?.role === STDIO_ROLE) {
      throw new HostStartError(
        `the embedded database folder ${folder} is held by pid ${holder.pid} (${holder.role}), which serves no other agent. ` +
          'Stop that process, or remove TASKLANE_BOARD_HOST=off from its settings so that every agent goes through one board host.',
      );
    }
    if (holder) {
      await sleep(SOCKET_ROLES.includes(holder.role) ? 25 : 100); // starting, or a one-shot command that ends soon
      continue;
    }
    const starting = tryLockFile(hostStartLockPath(folder), 'starting the board host');
    if (!starting) {
      await sleep(25);
      continue;
    }
    try {
      const again = await connect();
      if (again) return again;
      const exited = spawnHost(folder);
      while (Date.now() < deadline) {
        await sleep(25);
        const connected = await connect();
        if (connected) return connected;
        if (exited() !== null) {
          if (folderHolder(folder)) break; // another process took the folder first: look again
          throw new HostStartError(`the board host for ${folder} stopped at start: ${lastLogError(folder)} (log: ${hostLogPath(folder)})`);
        }
      }
    } finally {
      starting.release();
    }
  }
  throw new HostStartError(
    `the board host for ${folder} did not start within ${START_TIMEOUT_MS / 1000} s (${lastLogError(folder)}); ` +
      `its log is ${hostLogPath(folder)}. Set TASKLANE_BOARD_HOST=off to open the folder directly.`,
  );
}
