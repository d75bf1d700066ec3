import { z } from 'zod';
import { OutputClosedError } from '../commands/command-io.js';
import { ConfigError } from '../config.js';
import { FolderInUseError } from '../db/folder-lock.js';
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
    err instanceof FolderInUseError || err instanceof ConfigError || err instanceof UsageError || err instanceof NotARepositoryError || err instanceof HostStartError || err instanceof HostRefusedError;
  if (expected) return { text: `tasklane: ${err.message}\n`, code: 1 };
  const fsError = err as NodeJS.ErrnoException;
  if (fsError?.code === 'ENOENT' && fsError.path) return { text: `tasklane: ${fsError.path}: no such file\n`, code: 1 };
  if (fsError?.code === 'EACCES' && fsError.path) return { text: `tasklane: ${fsError.path}: permission denied\n`, code: 1 };
  return { text: `tasklane: ${(err as Error)?.stack ?? String(err)}\n`, code: 1 };
}
