import { sql } from 'kysely';
import { selectLinks } from '../db/dependencies.js';
import { insertEvents, selectLastNote } from '../db/events.js';
import type { Db } from '../db/schema.js';
import { selectTask, shiftDependentsUnmet, type TaskPatch, updateTask } from '../db/tasks.js';
import { DomainError, taskNotFound } from './errors.js';
import { lostLeaseError } from './leases.js';
import type { MarkStatusInput } from './inputs.js';
import { parseStatus, type Status } from './status.js';
import { taskView, type TaskView } from './task-view.js';

export type MarkStatusResult = {
  project: string;
  task: TaskView;
  changed: boolean;
  from_status: string;
  newly_ready: string[];
  message: string;
};

type Options = Omit<MarkStatusInput, 'project' | 'agent'> & { agent: string | null; leaseSeconds: number };

export async function markTaskStatus(db: Db, projectId: string, input: Options): Promise<MarkStatusResult> {
  const to: Status = parseStatus(input.status);
  const row = await selectTask(db, projectId, input.task_id, true);
  if (!row) throw taskNotFound(input.task_id, projectId);
  const from = row.status as Status;
  const agent = input.agent;

  if (input.expected_version !== undefined && input.expected_version !== row.version) {
    throw new DomainError('conflict', `expected_version: ${row.id} is at version ${row.version}, not ${input.expected_version}; read it again and decide anew`);
  }
  if (!input.force && agent && to !== 'in_progress') {
    const lost = await lostLeaseError(db, projectId, row.id, agent, from, row.assignee);
    if (lost) throw lost;
  }
  if (!input.force) {
    if (to === 'in_progress' && from === 'in_progress' && row.assignee && agent && row.assignee !== agent) {
      throw new DomainError(
        'conflict',
        `task_id: ${row.id} is already in progress with agent "${row.assignee}"; take another task with get_next_task, or pass force: true to take it over`,
      );
    }
    if ((to === 'in_progress' || to === 'completed') && from !== to && row.unmet_deps > 0) {
      const { dependencies } = await selectLinks(db, projectId, [row.id]);
      throw new DomainError(
        'invalid_transition',
        `status: ${row.id} cannot move to ${to} while ${row.unmet_deps} of its dependencies (${(dependencies.get(row.id) ?? []).join(', ')}) are not completed; finish them first or pass force: true`,
      );
    }
  }

  const patch: TaskPatch = {};
  if (input.result !== undefined) patch.result = input.result;
  if (input.used_tokens !== undefined) patch.used_tokens = input.used_tokens;
  if (input.branch !== undefined) patch.branch = input.branch;
  if (input.commit_sha !== undefined) patch.commit_sha = input.commit_sha;
  const lease = sql<Date>`now() + make_interval(secs => ${input.leaseSeconds})`;
  const now = sql<Date>`now()`;

  const changed = from !== to;
  if (changed) {
    patch.status = to;
    patch.status_updated_at = now;
    if (to === 'in_progress') {
      patch.started_at = sql<Date>`coalesce(started_at, now())`;
      patch.attempts = sql<number>`attempts + 1`;
      patch.assignee = agent ?? row.assignee;
      patch.lease_expires_at = lease;
      patch.completed_at = null;
    } else {
      patch.lease_expires_at = null;
    }
    if (to === 'completed' || to === 'failed') patch.completed_at = now;
    if (to === 'pending') {
      patch.completed_at = null;
      patch.assignee = null;
    }
    if ((to === 'review' || to === 'blocked' || to === 'cancelled') && agent) patch.assignee = agent;
  } else if (to === 'in_progress') {
    patch.lease_expires_at = lease;
    patch.heartbeat_at = now;
  }

  const updated = Object.keys(patch).length > 0 ? await updateTask(db, projectId, row.id, patch) : row;

  let newlyReady: string[] = [];
  if (changed && to === 'completed') newlyReady = await shiftDependentsUnmet(db, projectId, row.id, -1);
  if (changed && from === 'completed') await shiftDependentsUnmet(db, projectId, row.id, 1);

  const note = input.notes?.trim() || null;
  const repeatedNote = note && !changed ? (await selectLastNote(db, projectId, row.id))?.note === note : false;
  if (changed) {
    await insertEvents(db, [{
      project_id: projectId, task_id: row.id, actor: agent, kind: 'status', from_status: from, to_status: to, note,
      data: input.result !== undefined ? { result: input.result } : null,
    }]);
  } else if (note && !repeatedNote) {
    await insertEvents(db, [{ project_id: projectId, task_id: row.id, actor: agent, kind: 'note', note }]);
  }

  const links = await selectLinks(db, projectId, [row.id]);
  const task = taskView(updated, { dependencies: links.dependencies.get(row.id) ?? [], blocks: links.blocks.get(row.id) ?? [] });
  const message = changed
    ? `${row.id}: ${from} → ${to}${newlyReady.length ? `; now ready: ${newlyReady.join(', ')}` : ''}`
    : `${row.id} stays ${to}${note && !repeatedNote ? '; note added' : ''}`;
  return { project: projectId, task, changed, from_status: from, newly_ready: newlyReady, message };
}
