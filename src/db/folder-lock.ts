import fs from 'node:fs';
import path from 'node:path';

export class FolderInUseError extends Error {
  readonly code = 'folder_in_use';
}

type LockInfo = { pid: number; started_at: string; command: string };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * One process per embedded database folder: PGlite is a single connection with no
 * cross-process locking, so a second opener would corrupt it. The lock file is created
 * exclusively; a lock left by a dead process is taken over.
 */
export function lockFolder(folder: string): () => void {
  const file = path.join(folder, 'tasklane.lock');
  const mine: LockInfo = { pid: process.pid, started_at: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      return () => {
        if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(file);
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new FolderInUseError(
        `the embedded database folder ${folder} is in use by another tasklane process ` +
          `(pid ${holder.pid}, started ${holder.started_at}). An embedded board has one owner process. ` +
          `To share one board between agents, point every tasklane at one Postgres server with ` +
          `TASKLANE_DATABASE_URL=postgres://…, or connect the agents over HTTP (tasklane serve --http).`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new FolderInUseError(`could not take the lock on ${file}; remove it if no tasklane process runs`);
}
