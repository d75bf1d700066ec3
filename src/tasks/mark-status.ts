import { sql } from 'kysely';
import { selectLinks } from '../db/dependencies.js';
import { insertEvents, type NewEvent, selectLastNote } from '../db/events.js';
import { finishHeldTask } from '../db/finish-held-task.js';
import type { Db, TaskRow, ViewedTaskRow } from '../db/schema.js';
import { selectTask, shiftDependentsUnmet, type TaskPatch, updateTask } from '../db/tasks.js';
import { retrying } from '../db/transaction.js';
import { DomainError, taskNotFound } from './errors.js';
import { leaseSecondsFor, lostLeaseError } from './leases.js';
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

export type HolderReportOptions = {
  /** Postgres replicas: announce the report with pg_notify from this origin. */
  notifyOrigin?: string;
  /** Take the project's lock before a completion (default on; off only to measure what it costs). */
  serialize?: boolean;
};

export type MarkStatusOptions = Omit<MarkStatusInput, 'project' | 'agent'> & {
  agent: string | null;
  /** The lease a move to in_progress gets when the project sets none. */
  serverLeaseSeconds: number;
  /** Only a task this agent holds may change (a worker's credential, src/auth/access.ts). */
  holderOnly?: boolean;
};

/**
 * The common report, an agent finishing the task it holds (to completed, failed, review, blocked or
 * cancelled), in one statement outside any transaction block. Undefined, with nothing changed, when
 * the report is anything else or the task is not in the state it assumes: then markTaskStatus
 * handles it and says what is wrong.
 */
export async function reportByHolder(db: Db, projectId: string, input: MarkStatusOptions, how: HolderReportOptions = {}): Promise<MarkStatusResult | undefined> {
  const to = parseStatus(input.status);
  const agent = input.agent;
  if (!agent || to === 'in_progress' || to === 'pending') return undefined;
  const from: Status = 'in_progress';
  const note = input.notes?.trim() || null;
  const patch = statusPatch(from, to, agent, input, 0);
  const event = statusEvent(projectId, input.task_id, agent, from, to, note, input.result);
  const row = await retrying(() =>
    finishHeldTask(db, projectId, input.task_id, patch, event, {
      agent, completes: to === 'completed', expectedVersion: input.expected_version, notifyOrigin: how.notifyOrigin, kind: 'status', serialize: how.serialize,
    }),
    'unknown',
  );
  return row && statusResult(projectId, row, row, from, to, row.newly_ready, note);
}

export async function markTaskStatus(db: Db, projectId: string, input: MarkStatusOptions): Promise<MarkStatusResult> {
  const to: Status = parseStatus(input.status);
  const row = await selectTask(db, projectId, input.task_id, true);
  if (!row) throw taskNotFound(input.task_id, projectId);
  const from = row.status as Status;
  const agent = input.agent;

  if (input.holderOnly && !(from === 'in_progress' && agent && row.assignee === agent)) {
    throw new DomainError('forbidden', `task_id: ${row.id} is ${from}${row.assignee ? ` with agent "${row.assignee}"` : ''}, not held by "${agent ?? 'you'}"; a worker reports only on the tasks it holds (get_next_task claims one)`);
  }
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

  const leaseSeconds = to === 'in_progress' ? await leaseSecondsFor(db, projectId, undefined, input.serverLeaseSeconds) : 0;
  const patch = statusPatch(from, to, agent, input, leaseSeconds, row.assignee);
  const updated = Object.keys(patch).length > 0 ? await updateTask(db, projectId, row.id, patch) : row;

  const changed = from !== to;
  let newlyReady: string[] = [];
  if (changed && to === 'completed') newlyReady = await shiftDependentsUnmet(db, projectId, row.id, -1);
  if (changed && from === 'completed') await shiftDependentsUnmet(db, projectId, row.id, 1);

  const note = input.notes?.trim() || null;
  const repeatedNote = note && !changed ? (await selectLastNote(db, projectId, row.id))?.note === note : false;
  if (changed) {
    await insertEvents(db, [statusEvent(projectId, row.id, agent, from, to, note, input.result)]);
  } else if (note && !repeatedNote) {
    await insertEvents(db, [{ project_id: projectId, task_id: row.id, actor: agent, kind: 'note', note }]);
  }

  const links = await selectLinks(db, projectId, [row.id]);
  const linked = { dependencies: links.dependencies.get(row.id) ?? [], blocks: links.blocks.get(row.id) ?? [] };
  return statusResult(projectId, updated, linked, from, to, newlyReady, note && !repeatedNote ? note : null);
}

/** What a move from → to changes on the row, with the report's result, tokens, branch and commit. */
function statusPatch(
  from: Status,
  to: Status,
  agent: string | null,
  input: Pick<MarkStatusOptions, 'result' | 'used_tokens' | 'branch' | 'commit_sha'>,
  leaseSeconds: number,
  assignee: string | null = agent,
): TaskPatch {
  const patch: TaskPatch = {};
  if (input.result !== undefined) patch.result = input.result;
  if (input.used_tokens !== undefined) patch.used_tokens = input.used_tokens;
  if (input.branch !== undefined) patch.branch = input.branch;
  if (input.commit_sha !== undefined) patch.commit_sha = input.commit_sha;
  const lease = sql<Date>`now() + make_interval(secs => ${leaseSeconds})`;
  const now = sql<Date>`now()`;

  if (from !== to) {
    patch.status = to;
    patch.status_updated_at = now;
    if (to === 'in_progress') {
      patch.started_at = sql<Date>`coalesce(started_at, now())`;
      patch.attempts = sql<number>`attempts + 1`;
      patch.assignee = agent ?? assignee;
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
  return patch;
}

function statusEvent(projectId: string, taskId: string, agent: string | null, from: Status, to: Status, note: string | null, result: string | undefined): NewEvent {
  return {
    project_id: projectId, task_id: taskId, actor: agent, kind: 'status', from_status: from, to_status: to, note,
    data: result !== undefined ? { result } : null,
  };
}

function statusResult(
  projectId: string,
  row: ViewedTaskRow,
  links: { dependencies: string[]; blocks: string[] },
  from: Status,
  to: Status,
  newlyReady: string[],
  addedNote: string | null,
): MarkStatusResult {
  const changed = from !== to;
  const message = changed
    ? `${row.id}: ${from} → ${to}${newlyReady.length ? `; now ready: ${newlyReady.join(', ')}` : ''}`
    : `${row.id} stays ${to}${addedNote ? '; note added' : ''}`;
  return { project: projectId, task: taskView(row, links), changed, from_status: from, newly_ready: newlyReady, message };
}
