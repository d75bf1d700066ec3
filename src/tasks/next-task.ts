import type { Kysely } from 'kysely';
import { type ClaimOptions, claimNextTask, peekNextTask, type NextTaskFilter } from '../db/claim-next-task.js';
import { selectBlockedChains } from '../db/blocked-chains.js';
import type { Database, Db } from '../db/schema.js';
import { inTransaction, retrying } from '../db/transaction.js';
import { type AttachedLesson, lessonsForTask } from '../lessons/lessons-for-task.js';
import { projectExists } from '../db/projects.js';
import { noProjectMessage } from './missing-project.js';
import { countByStatus, selectHolders } from '../db/tasks.js';
import { type Counts, toCounts } from './counts.js';
import type { RecentCounts } from './recent-counts.js';
import { iso, taskView, type TaskView } from './task-view.js';

export type NextTaskOptions = NextTaskFilter & ClaimOptions & {
  claim: boolean;
  attachLessons: boolean;
  recentCounts?: RecentCounts;
};

export type Holder = { id: string; status: string; assignee?: string; lease_expires_at?: string };

export type NextTaskResult = {
  project: string;
  task: TaskView | null;
  claimed: boolean;
  reason?: 'all_done' | 'waiting' | 'blocked' | 'empty';
  message: string;
  waiting_on?: Holder[];
  blocked_chains?: string[];
  counts: Counts;
  /** What earlier workers learned that bears on this task (left out when none). */
  lessons?: AttachedLesson[];
};

/**
 * Hands out the next ready task. A claim is one statement (see claimNextTask), run outside any
 * transaction block; the counts and lessons beside it are reads. When it finds nothing, a second
 * look and the explanation share one transaction, so that work finished in between is not
 * explained away as a deadlock.
 */
export async function nextTask(db: Kysely<Database>, projectId: string, options: NextTaskOptions): Promise<NextTaskResult> {
  const look = (d: Db) => (options.claim ? claimNextTask(d, projectId, options, options) : peekNextTask(d, projectId, options));
  // A claim that loses its connection may have been made: it is not sent again (see retrying).
  let row = await retrying(() => look(db), options.claim ? 'unknown' : 'undone');
  if (!row) {
    const outcome = await inTransaction(db, async (trx) => {
      const found = await look(trx);
      if (found) return { found };
      const counts = toCounts(await countByStatus(trx, projectId));
      const empty: NextTaskResult = { project: projectId, task: null, claimed: false, ...(await whyNothingIsReady(trx, projectId, counts, options)), counts };
      return { empty };
    });
    if (outcome.empty) return outcome.empty;
    row = outcome.found;
  }
  const load = async () => toCounts(await retrying(() => countByStatus(db, projectId), 'undone'));
  const counts = options.recentCounts ? await options.recentCounts.get(projectId, load) : await load();
  const task = taskView(row, row);
  // A worker's brief: what it needs to act, within the reply budget (read_task_breakdown has the rest).
  delete task.max_attempts;
  delete task.status_updated_at;
  const message = options.claim
    ? `claimed ${row.id} for ${options.agent ?? 'an unnamed agent'} (attempt ${row.attempts})`
    : `${row.id} is next (not claimed)`;
  const lessons = options.attachLessons && row.has_lessons ? await inTransaction(db, (trx) => lessonsForTask(trx, projectId, row)) : [];
  return { project: projectId, task, claimed: options.claim, message, counts, ...(lessons.length ? { lessons } : {}) };
}

async function whyNothingIsReady(db: Db, projectId: string, counts: Counts, filter: NextTaskFilter) {
  const filtered = Boolean(filter.phase || filter.module || filter.tags?.length);
  const scope = filtered ? ' matching the filter' : '';
  if (counts.total === 0) {
    if (await projectExists(db, projectId)) return { reason: 'empty' as const, message: 'the board is empty; write tasks with write_task_list' };
    // Most often a mistyped name: an agent must not take it for a board whose work is done.
    return { reason: 'empty' as const, message: noProjectMessage(projectId) };
  }
  const holders: Holder[] = (await selectHolders(db, projectId, 10)).map((h) => ({
    id: h.id,
    status: h.status,
    ...(h.assignee ? { assignee: h.assignee } : {}),
    ...(h.lease_expires_at && h.status === 'in_progress' ? { lease_expires_at: iso(h.lease_expires_at) } : {}),
  }));
  const chains = counts.pending > 0 ? await findBlockingChains(db, projectId) : [];
  if (counts.ready > 0 && filtered) {
    return { reason: 'waiting' as const, message: `no ready task${scope}; ${counts.ready} ready elsewhere (drop the filter)`, waiting_on: holders };
  }
  if (holders.length > 0) {
    return {
      reason: 'waiting' as const,
      message: `no task ready${scope}; ${counts.in_progress + counts.review} in progress or review with other agents: wait and ask again`,
      waiting_on: holders,
      ...(chains.length ? { blocked_chains: chains } : {}),
    };
  }
  if (counts.pending > 0) {
    return {
      reason: 'blocked' as const,
      message: `deadlock: ${counts.pending} pending task(s) wait on failed, blocked or cancelled work; retry or cancel the task at the end of each chain`,
      blocked_chains: chains,
    };
  }
  return {
    reason: 'all_done' as const,
    message: `no work left: ${counts.completed} completed, ${counts.failed} failed, ${counts.blocked} blocked, ${counts.cancelled} cancelled`,
  };
}

/** A few chains of pending work behind dead tasks, each read from its dead end (see selectBlockedChains). */
async function findBlockingChains(db: Db, projectId: string): Promise<string[]> {
  const chains = await selectBlockedChains(db, projectId, 5);
  return chains.map((c) => [...c.path.slice(1).reverse(), `${c.root} (${c.root_status})`].join(' → '));
}
