import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes an embedded data folder its owner's alone: the folder and every folder in it 0700, every file
 * 0600. Needed at each open, not only at creation: a folder made by an older tasklane or by hand may
 * be 0755, and PGlite's initdb writes its ~970 files 0666 whatever the umask (measured with PGlite
 * 0.5: umask 077 left them 0666, and pg_internal.init 0644). Files Postgres creates later it creates
 * 0600. Symbolic links are left alone (their target is not ours to change).
 */
export function makeFolderPrivate(folder: string): void {
  fs.chmodSync(folder, 0o700);
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    try {
      if (entry.isDirectory()) makeFolderPrivate(file);
      else if (entry.isFile()) fs.chmodSync(file, 0o600);
    } catch (err) {
      // PGlite may remove a temporary file while we walk.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
