import fs from 'node:fs';
import path from 'node:path';
import { tryLock } from 'fs-native-extensions';

export class FolderInUseError extends Error {
  readonly code = 'folder_in_use';
  constructor(
    message: string,
    readonly holder?: LockHolder,
  ) {
    super(message);
  }
}

/** Who holds a lock, as the holder noted it: for messages only, never to decide anything. */
export type LockHolder = { pid: number; role: string; started_at: string };

export type HeldLock = { readonly file: string; release(): void };

// The lock covers one byte far past the holder's note, so that the note stays readable where locks are
// mandatory (Windows).
const LOCK_OFFSET = 2 ** 30;

/**
 * An OS lock on `file`, held while this process keeps it open: the kernel releases it when the process
 * ends, however it ends. So a stale lock is never seen and a reused pid never blocks. The file itself
 * is never removed (removing a lock file lets two processes lock two different files).
 */
export function tryLockFile(file: string, role: string): HeldLock | undefined {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  let locked = false;
  try {
    locked = tryLock(fd, LOCK_OFFSET, 1);
  } finally {
    if (!locked) fs.closeSync(fd);
  }
  if (!locked) return undefined;
  const note: LockHolder = { pid: process.pid, role, started_at: new Date().toISOString() };
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, JSON.stringify(note), 0);
  let released = false;
  return {
    file,
    release: () => {
      if (released) return;
      released = true;
      try {
        fs.ftruncateSync(fd, 0);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

export function lockHolder(file: string): LockHolder | undefined {
  try {
    const note = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof note.pid === 'number' ? note : undefined;
  } catch {
    return undefined;
  }
}

export const folderLockPath = (folder: string) => path.join(folder, 'tasklane.lock');

/**
 * A tasklane from before the OS lock (its note has `command`, not `role`) still running on the folder, as
 * during an upgrade: it holds no OS lock, so its note is all there is to go by. Such a note is removed on
 * a clean exit; after a crash its pid must also still run tasklane.
 */
function olderTasklane(file: string): number | undefined {
  let note: { pid?: unknown; command?: unknown; role?: unknown };
  try {
    note = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof note;
  } catch {
    return undefined;
  }
  if (typeof note.pid !== 'number' || typeof note.command !== 'string' || note.role !== undefined || note.pid === process.pid) return undefined;
  try {
    process.kill(note.pid, 0);
  } catch {
    return undefined;
  }
  try {
    return /tasklane|cli\.js/.test(fs.readFileSync(`/proc/${note.pid}/cmdline`, 'utf8')) ? note.pid : undefined;
  } catch {
    return process.platform === 'linux' ? undefined : note.pid;
  }
}

/**
 * One process per embedded database folder: PGlite is a single connection with no cross-process
 * locking, so a second opener would corrupt it. `role` says what holds it, for the message another
 * process gets.
 */
export function lockFolder(folder: string, role: string): HeldLock {
  const file = folderLockPath(folder);
  const older = olderTasklane(file);
  if (older !== undefined) {
    throw new FolderInUseError(
      `the embedded database folder ${folder} is in use by an older tasklane (pid ${older}), from before this version: ` +
        `stop it (its agents too, or wait for its board host to stop when idle), then start again.`,
    );
  }
  const held = tryLockFile(file, role);
  if (held) return held;
  const holder = lockHolder(file);
  const who = holder ? `pid ${holder.pid}, ${holder.role}, started ${holder.started_at}` : 'pid unknown';
  throw new FolderInUseError(
    `the embedded database folder ${folder} is in use by another tasklane process (${who}). An embedded board has one ` +
      `owner process. To share one board between agents, let them go through the board host (leave TASKLANE_BOARD_HOST on), ` +
      `point every tasklane at one Postgres server with TASKLANE_DATABASE_URL=postgres://…, or connect them over HTTP (tasklane serve --http).`,
    holder,
  );
}
