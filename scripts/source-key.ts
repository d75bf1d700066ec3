import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A short hash of what shapes a migrated PGlite database (the migrations, the code that runs them, the
 * PGlite packages), plus `extra` files: the prepared image and the test template are made again when it changes.
 */
export function databaseSourceKey(root: string, extra: string[] = []): string {
  const hash = createHash('sha256');
  const inputs = [
    ...fs.readdirSync(path.join(root, 'migrations')).sort().map((f) => path.join('migrations', f)),
    'src/db/migrate.ts',
    'src/db/search-extensions.ts',
    ...extra,
    'node_modules/@electric-sql/pglite/package.json',
    'node_modules/@electric-sql/pglite-pgvector/package.json',
  ];
  for (const file of inputs) hash.update(file).update(fs.readFileSync(path.join(root, file)));
  return hash.digest('hex').slice(0, 16);
}
