import { z } from 'zod';
import { OutputClosedError } from '../commands/command-io.js';
import { ConfigError } from '../config.js';
import { FolderInUseError } from '../db/folder-lock.js';
import { NewerDatabaseError } from '../db/migrate.js';
import { databaseFailure } from '../db/sqlstate.js';
import { NotARepositoryError } from '../git/commit-file.js';
import { HostRefusedError } from '../host/host-connection.js';
import { HostStartError } from '../host/start-host.js';
import { DomainError } from '../tasks/errors.js';
import { UsageError } from '../tracker-commands.js';

/** A failed command as one line for a person, and its exit code; a stack trace only for a bug. */
export function describeFailure(err: unknown): { text: string; code: number } {
  if (err instanceof OutputClosedError) return { text: '', code: 0 };
  if (err instanceof DomainError) return { text: `tasklane: ${err.code}: ${err.message}\n`, code: 1 };
  if (err instanceof z.ZodError) return { text: `tasklane: ${err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}\n`, code: 1 };
  const expected =
    err instanceof FolderInUseError || err instanceof ConfigError || err instanceof UsageError || err instanceof NotARepositoryError || err instanceof HostStartError || err instanceof HostRefusedError ||
    err instanceof NewerDatabaseError;
  if (expected) return { text: `tasklane: ${err.message}\n`, code: 1 };
  const fsError = err as NodeJS.ErrnoException;
  const database = databaseProblem(err);
  if (database) return { text: `tasklane: ${database}\n`, code: 1 };
  if (fsError?.code === 'ENOENT' && fsError.path) return { text: `tasklane: ${fsError.path}: no such file\n`, code: 1 };
  if (fsError?.code === 'EACCES' && fsError.path) return { text: `tasklane: ${fsError.path}: permission denied\n`, code: 1 };
  return { text: `tasklane: ${(err as Error)?.stack ?? String(err)}\n`, code: 1 };
}

type ConnectError = NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };

/** A Postgres server that cannot be reached or refuses the login, said without a stack or the server's own text. */
function databaseProblem(err: unknown): string | undefined {
  const e = err as ConnectError;
  const check = 'check TASKLANE_DATABASE_URL';
  if (e?.code === '28P01' || e?.code === '28000') return `the database server refused the login: ${check} (its user and password) and the server's pg_hba.conf`;
  if (e?.code === '3D000') return `the database that TASKLANE_DATABASE_URL names does not exist on the server: create it (createdb NAME) or ${check}`;
  if (databaseFailure(err) !== 'unavailable') return undefined;
  const where = e.hostname ? ` (no host named ${e.hostname})` : e.address ? ` at ${e.address}${e.port ? `:${e.port}` : ''}` : '';
  return `cannot reach the database server${where}: ${e.code ?? e.message}; ${check} and that Postgres runs there and accepts connections`;
}
