import type { Db } from '../db/schema.js';
import { selectTask } from '../db/tasks.js';
import { DomainError, taskNotFound } from './errors.js';
import { markTaskStatus, type MarkStatusResult } from './mark-status.js';

// What a person may do from the board, on top of notes and priority (update_task). Each is a status
// change written with the person as actor; force, because a person overrides an agent's hold.

const RETRYABLE = new Set(['failed', 'blocked', 'cancelled']);
const FINAL = new Set(['completed', 'cancelled']);

export async function retryTask(db: Db, projectId: string, taskId: string, actor: string, note?: string): Promise<MarkStatusResult> {
  const row = await selectTask(db, projectId, taskId, true);
  if (!row) throw taskNotFound(taskId, projectId);
  if (!RETRYABLE.has(row.status)) {
    throw new DomainError('invalid_transition', `status: ${row.id} is ${row.status}; only a failed, blocked or cancelled task can be retried`);
  }
  return markTaskStatus(db, projectId, { task_id: row.id, status: 'pending', agent: actor, force: true, notes: note, serverLeaseSeconds: 0 });
}

export async function cancelTask(db: Db, projectId: string, taskId: string, actor: string, note?: string): Promise<MarkStatusResult> {
  const row = await selectTask(db, projectId, taskId, true);
  if (!row) throw taskNotFound(taskId, projectId);
  if (FINAL.has(row.status)) throw new DomainError('invalid_transition', `status: ${row.id} is already ${row.status}; there is nothing to cancel`);
  return markTaskStatus(db, projectId, { task_id: row.id, status: 'cancelled', agent: actor, force: true, notes: note, serverLeaseSeconds: 0 });
}
