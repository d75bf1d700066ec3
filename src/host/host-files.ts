import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What the process serving a folder's socket publishes, readable only by the user who runs it. */
export type HostInfo = {
  pid: number;
  /** `board host`, or `serve --http` (which serves the folder's socket too). */
  role: string;
  socket: string;
  /** The web board's origin (http://127.0.0.1:PORT), once it listens. */
  url?: string;
  token?: string;
  started_at: string;
  version: string;
  folder: string;
};

export const hostInfoPath = (folder: string) => path.join(folder, 'host.json');
export const hostLogPath = (folder: string) => path.join(folder, 'host.log');
export const hostStartLockPath = (folder: string) => path.join(folder, 'host-start.lock');

/** The roles whose holder of the folder lock serves the folder's socket (agents and commands go through it). */
export const SOCKET_ROLES = ['board host', 'serve --http'];
export const STDIO_ROLE = 'tasklane over stdio with TASKLANE_BOARD_HOST=off';

// sun_path holds 104 bytes on macOS, 108 on Linux.
const MAX_SOCKET_PATH = 100;

/**
 * Where the folder's host listens: a Unix socket in the 0700 folder itself; a named pipe on Windows;
 * and for a folder whose path is too long for a socket, a socket in a 0700 folder of this user's own
 * under the temporary directory. The one place that knows.
 */
export function hostSocketPath(folder: string): string {
  const hash = () => createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 24);
  if (process.platform === 'win32') return `\\\\.\\pipe\\tasklane-${hash()}`;
  const inFolder = path.join(folder, 'host.sock');
  if (Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH) return inFolder;
  const own = path.join(os.tmpdir(), `tasklane-${process.getuid?.() ?? 'user'}`);
  fs.mkdirSync(own, { recursive: true, mode: 0o700 });
  if (fs.statSync(own).mode & 0o077) fs.chmodSync(own, 0o700);
  return path.join(own, `${hash()}.sock`);
}

export function readHostInfo(folder: string): HostInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(hostInfoPath(folder), 'utf8')) as HostInfo;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (rename), with mode 0600: the token in it opens the board. */
export function writeHostInfo(folder: string, info: HostInfo): void {
  const tmp = `${hostInfoPath(folder)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(tmp, hostInfoPath(folder));
}

export function removeHostInfo(folder: string, pid: number): void {
  if (readHostInfo(folder)?.pid === pid) fs.rmSync(hostInfoPath(folder), { force: true });
}
