import { extendLease, expireLeases, type ExpiredLease } from '../db/expire-leases.js';
import { insertEvents, selectLastHoldOf } from '../db/events.js';
import { selectProjectSettings } from '../db/projects.js';
import type { Db } from '../db/schema.js';
import { selectTask } from '../db/tasks.js';
import { DomainError, taskNotFound } from './errors.js';
import { iso } from './task-view.js';

export type HeartbeatResult = { project: string; task_id: string; status: string; lease_expires_at: string; message: string };

/** The lease a claim gets: the call's own, else the project's default, else the server's. */
export async function leaseSecondsFor(db: Db, projectId: string, requested: number | undefined, serverDefault: number) {
  return requested ?? (await selectProjectSettings(db, projectId)).lease_seconds ?? serverDefault;
}

export async function heartbeat(
  db: Db,
  projectId: string,
  input: { task_id: string; agent: string; lease_seconds: number; note?: string },
): Promise<HeartbeatResult> {
  const extended = await extendLease(db, projectId, input.task_id, input.agent, input.lease_seconds);
  if (!extended) {
    const row = await selectTask(db, projectId, input.task_id);
    if (!row) throw taskNotFound(input.task_id, projectId);
    throw (
      (await lostLeaseError(db, projectId, row.id, input.agent, row.status, row.assignee)) ??
      new DomainError('invalid_transition', `task_id: ${row.id} is ${row.status}, not in progress with agent "${input.agent}"; claim it with get_next_task first`)
    );
  }
  if (input.note?.trim()) {
    await insertEvents(db, [{ project_id: projectId, task_id: input.task_id, actor: input.agent, kind: 'note', note: input.note.trim() }]);
  }
  const until = iso(extended.lease_expires_at)!;
  return { project: projectId, task_id: input.task_id, status: 'in_progress', lease_expires_at: until, message: `${input.task_id}: lease extended to ${until}` };
}

/**
 * The lease_lost error when `agent` acts on a task whose hold it lost (another agent holds it now, or
 * its lease expired and the task went back), else undefined.
 */
export async function lostLeaseError(db: Db, projectId: string, taskId: string, agent: string, status: string, holder: string | null) {
  if (holder === agent) return undefined;
  if (status === 'in_progress' && holder) {
    return new DomainError('lease_lost', `task_id: ${taskId} is now held by agent "${holder}"; your claim ended (lease expired or reassigned). Nothing was recorded: call get_next_task for new work, or pass force: true to report anyway`);
  }
  const last = await selectLastHoldOf(db, projectId, taskId, agent);
  if (last?.kind === 'lease_expired') {
    return new DomainError('lease_lost', `task_id: your lease on ${taskId} expired at ${iso(last.at)} and the task was taken back (it is ${status} now). Nothing was recorded: call get_next_task for new work`);
  }
  return undefined;
}

/** Returns expired leases to the pool (or fails them at max_attempts), each with a lease_expired event. */
export async function reapExpiredLeases(db: Db, batch = 200): Promise<ExpiredLease[]> {
  const expired = await expireLeases(db, batch);
  await insertEvents(
    db,
    expired.map((t) => ({
      project_id: t.project_id, task_id: t.id, actor: 'tasklane:reaper', kind: 'lease_expired',
      from_status: 'in_progress', to_status: t.status,
      note: `lease of ${t.agent ?? 'an unnamed agent'} expired (attempt ${t.attempts})`,
      data: { agent: t.agent, attempts: t.attempts },
    })),
  );
  return expired;
}
