import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

/**
 * An embedded database folder holding a copy of the run's migrated template, made as tasklane makes
 * one (mode 0700, the database in `pgdata`): a bin started on it opens it in about a second instead
 * of running initdb and every migration (4–7 s, more on a busy machine).
 */
export function seededDataFolder(folder: string): string {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  fs.cpSync(path.join(inject('pgliteFolderTemplate'), 'pgdata'), path.join(folder, 'pgdata'), { recursive: true });
  return folder;
}
