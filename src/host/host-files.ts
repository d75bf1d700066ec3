import fs from 'node:fs';
import path from 'node:path';

/** What a running board host publishes for its clients, readable only by the user who runs it. */
export type HostInfo = { pid: number; url: string; token: string; started_at: string; version: string; folder: string };

export const hostInfoPath = (folder: string) => path.join(folder, 'host.json');
export const hostLogPath = (folder: string) => path.join(folder, 'host.log');
export const hostStartLockPath = (folder: string) => path.join(folder, 'host-start.lock');

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

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
