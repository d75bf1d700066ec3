import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderInUseError, folderLockPath, lockFolder } from '../src/db/folder-lock.js';
import { openStore } from '../src/db/open.js';
import { preparedFolder } from './helpers/folders.js';

const LOCK_MODULE = path.resolve(import.meta.dirname, '../dist/src/db/folder-lock.js');

/** Another process that takes the folder's lock and keeps it until killed. */
async function holder(folder: string) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `const { lockFolder } = await import(${JSON.stringify(LOCK_MODULE)}); lockFolder(${JSON.stringify(folder)}, 'test holder'); console.log('locked'); setInterval(() => {}, 1000);`]);
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

describe('the folder lock (an OS lock, not a pid file)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('opens a folder whose lock file names a live process that is not tasklane, at once', async () => {
    const { folder, remove } = await preparedFolder('lock');
    cleanups.push(remove);
    const stranger = spawn('sleep', ['60']);
    cleanups.push(() => stranger.kill());
    // Both the note this version writes and the pid file of earlier versions, naming a reused pid.
    for (const note of [{ pid: stranger.pid, role: 'board host' }, { pid: stranger.pid, command: 'dist/src/cli.js host run' }]) {
      fs.writeFileSync(folderLockPath(folder), JSON.stringify({ ...note, started_at: new Date().toISOString() }));
      const started = Date.now();
      const lock = lockFolder(folder, 'test');
      expect(Date.now() - started).toBeLessThan(2_000);
      lock.release();
    }
    const store = await openStore(folder);
    await store.close();
  });

  it('refuses a folder held by a live process, naming it, and takes it over the moment that process dies', async () => {
    const { folder, remove } = await preparedFolder('lock');
    cleanups.push(remove);
    const child = await holder(folder);
    cleanups.push(() => child.kill('SIGKILL'));
    let refused: unknown;
    try {
      lockFolder(folder, 'test');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(FolderInUseError);
    expect((refused as Error).message).toMatch(new RegExp(`in use by another tasklane process \\(pid ${child.pid}, test holder`));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const lock = lockFolder(folder, 'test'); // the kernel let go with the process: no stale lock to wait out
    lock.release();
  });
});
