import { hash } from 'node:crypto';

/**
 * The digest of what a write gives a task: the columns it would compare with the task's row, each
 * with its value, in the order the write builds them (so the names are part of what is hashed, and a
 * write that gives other columns has another digest). The write stores it with the version it leaves
 * (migrations/0012_written_digest.ts). Every change of those columns moves the task's version, so while
 * the version is the one stored, a task written again with the same digest would not change: the write
 * skips comparing it. A different digest proves nothing; that task is compared column by column.
 */
export function writtenDigest(columns: Record<string, unknown>): string {
  return hash('sha256', JSON.stringify(columns), 'base64');
}
