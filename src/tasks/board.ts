import type { Kysely, Transaction } from 'kysely';
import { deleteOldEvents } from '../db/events.js';
import { notifyChange } from '../db/notify.js';
import { lockProject, type ProjectLockMode } from '../db/project-lock.js';
import type { Database } from '../db/schema.js';
import { peekNextTask } from '../db/claim-next-task.js';
import { inReadSnapshot, inTransaction, retrying } from '../db/transaction.js';
import type { TrackerFormatSpec } from '../trackers/tracker-writer.js';
import { exportBoard, type ExportOptions, type ExportSink } from './export-board.js';
import { addNote } from './add-note.js';
import { agentsView } from './agents-view.js';
import { boardSnapshot } from './board-snapshot.js';
import { readTaskBreakdown } from './breakdown.js';
import { ChangeFeed, type TaskChange } from './change-feed.js';
import { dependencyView } from './dependency-view.js';
import { analyzeTaskTables, checkpointIfDue, tidyTables } from '../db/maintenance.js';
import { mergeProjectSettings, projectExists, type ProjectSettings, selectProjectIds } from '../db/projects.js';
import { RecentCounts } from './recent-counts.js';
import { cancelTask, retryTask } from './human-actions.js';
import { heartbeat, leaseSecondsFor, reapExpiredLeases } from './leases.js';
import type { BreakdownInput, HeartbeatInput, MarkStatusInput, NextTaskInput, UpdateTaskInput, WriteTaskListInput } from './inputs.js';
import { markTaskStatus, type MarkStatusResult, reportByHolder } from './mark-status.js';
import { importTasks, type ImportInput, type ImportResult } from './import-tasks.js';
import { nextTask, type NextTaskResult } from './next-task.js';
import { untilDone } from './wait-for-work.js';
import { readSnapshot } from './snapshot.js';
import { progressView } from './progress-view.js';
import { taskDetail } from './task-detail.js';
import { updateTask } from './update-task.js';
import { type WriteOptions, writeTaskList } from './write-task-list.js';

export type BoardOptions = {
  leaseSeconds: number;
  maxAttempts?: number;
  /** get_next_task attaches up to 3 relevant lessons to the task it hands out (default on). */
  attachLessons?: boolean;
  /** Postgres: send every change with pg_notify too, so that other replicas' boards see it. */
  notify?: boolean;
  /** PGlite: the reaper's tick does autovacuum's and the checkpointer's work in this process (PGlite has neither). */
  autovacuum?: boolean;
  /** PGlite: the reaper's tick makes a checkpoint once this much WAL was written since the last (default 64 MiB). */
  checkpointWalBytes?: number;
  /**
   * Serialize graph edits and status changes per project (src/db/project-lock.ts; default on). Off
   * only for bench/serialization.ts, which measures what it costs: without it races corrupt unmet_deps.
   */
  serialize?: boolean;
  /** get_next_task's wait looks again at least this often, should a change notice be lost (default 5 s). */
  waitRecheckMs?: number;
  /** Events older than this many days are deleted by the reaper's tick, notes excepted (default: keep all). */
  eventRetentionDays?: number;
};

/** PGlite: WAL written since the last checkpoint beyond which the reaper's tick makes one (a crash replays at most this). */
const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;
/** A write that changed at least this many tasks refreshes the planner's statistics at once. */
const LARGE_WRITE = 100;
/** Events a retention pass deletes per project in one transaction. */
export const PRUNE_BATCH = 5000;

type Trx = Transaction<Database>;

/** The task engine: every operation is one transaction; it knows nothing of MCP. */
export class TaskBoard {
  private readonly recentCounts = new RecentCounts(1000);
  /** Committed task changes, for live views (the web board). */
  readonly changes = new ChangeFeed();

  constructor(
    readonly db: Kysely<Database>,
    readonly options: BoardOptions,
  ) {}

  /**
   * Runs a writing operation in one transaction, first taking the project's lock when it moves
   * unmet_deps or checks the graph; the changes it reports are sent with pg_notify inside it
   * (delivered at commit) and published in this process after the commit.
   */
  private async write<T>(work: (trx: Trx) => Promise<T>, changesOf: (result: T) => TaskChange[], lock?: { project: string | string[]; mode: ProjectLockMode }): Promise<T> {
    let changes: TaskChange[] = [];
    const result = await inTransaction(this.db, async (trx) => {
      // Several projects (one import of many boards) are locked in one order, so two such writes cannot deadlock.
      if (lock && this.serializes) for (const p of [...new Set([lock.project].flat())].sort()) await lockProject(trx, p, lock.mode);
      const r = await work(trx);
      changes = changesOf(r);
      if (this.options.notify) for (const c of changes) await notifyChange(trx, this.changes.payloadOf(c));
      return r;
    });
    for (const c of changes) this.changes.publish(c);
    return result;
  }

  private get serializes() {
    return this.options.serialize ?? true;
  }

  async writeTaskList(project: string, input: Omit<WriteTaskListInput, 'project'>, actor: string | null = null, options: WriteOptions = {}) {
    const result = await this.write(
      (trx) => writeTaskList(trx, project, input, actor, { defaultMaxAttempts: this.options.maxAttempts, ...options }),
      (r) => (r.created + r.updated + r.removed.length > 0 ? [{ project, task_ids: [], kind: 'written' }] : []),
      { project, mode: 'graph' },
    );
    if (result.created + result.updated + result.removed.length >= LARGE_WRITE) await this.analyzeQuietly();
    return result;
  }

  /** PGlite: VACUUM and ANALYZE what autovacuum would (the reaper's tick calls this). */
  tidyTables() {
    return tidyTables(this.db);
  }

  /** PGlite: a checkpoint when enough WAL was written since the last (the reaper's tick calls this). */
  checkpointIfDue() {
    return checkpointIfDue(this.db, this.options.checkpointWalBytes ?? CHECKPOINT_WAL_BYTES);
  }

  /** After a large write, on either engine (a server's autovacuum may take a minute to get there); a failure only costs speed. */
  private async analyzeQuietly() {
    await analyzeTaskTables(this.db).catch(() => {});
  }

  /**
   * get_next_task. With `wait_seconds` and nothing ready (reason waiting or empty), looks again on each
   * change to the project until a task is there or the time is up. A call whose signal aborts (the
   * client cancelled it) claims nothing: a claim made while the abort arrived is put back.
   */
  async nextTask(project: string, input: Omit<NextTaskInput, 'project'> = {}, signal?: AbortSignal): Promise<NextTaskResult> {
    const seconds = input.wait_seconds ?? 0;
    if (seconds <= 0) return this.lookForTask(project, input);
    const filter = { phase: input.phase, module: input.module, tags: input.tags, skipDependencies: input.skip_dependencies };
    const look = async () => {
      const r = await this.lookForTask(project, input);
      return { done: r.task !== null || !(r.reason === 'waiting' || r.reason === 'empty'), value: r };
    };
    const probe = async () => (await retrying(() => peekNextTask(this.db, project, filter), 'undone')) !== undefined;
    const result = await untilDone(this.changes, project, { seconds, signal, recheckMs: this.options.waitRecheckMs }, look, probe);
    if (signal?.aborted && result.claimed && result.task) {
      await this.markTaskStatus(project, { task_id: result.task.id, status: 'pending', agent: input.agent, notes: 'get_next_task was cancelled: claim put back' });
      return { ...result, task: null, claimed: false, message: 'cancelled; nothing claimed' };
    }
    return result;
  }

  private async lookForTask(project: string, input: Omit<NextTaskInput, 'project'>) {
    const result = await nextTask(this.db, project, {
      agent: input.agent ?? null,
      claim: input.claim ?? true,
      leaseSeconds: input.lease_seconds,
      serverLeaseSeconds: this.options.leaseSeconds,
      notifyOrigin: this.notifyOrigin,
      attachLessons: this.options.attachLessons ?? true,
      recentCounts: this.recentCounts,
      phase: input.phase,
      module: input.module,
      tags: input.tags,
      skipDependencies: input.skip_dependencies,
    });
    if (result.claimed && result.task) this.changes.publish({ project, task_ids: [result.task.id], kind: 'claimed' });
    return result;
  }

  /** Statements that write and announce in one go send their pg_notify from this origin. */
  private get notifyOrigin() {
    return this.options.notify ? this.changes.origin : undefined;
  }

  async markTaskStatus(project: string, input: Omit<MarkStatusInput, 'project'> & { holderOnly?: boolean }) {
    const options = { ...input, agent: input.agent ?? null, serverLeaseSeconds: this.options.leaseSeconds };
    const changesOf = (r: MarkStatusResult): TaskChange[] => [{ project, task_ids: [r.task.id, ...r.newly_ready], kind: r.changed ? 'status' : 'note' }];
    const byHolder = await reportByHolder(this.db, project, options, { notifyOrigin: this.notifyOrigin, serialize: this.serializes });
    if (byHolder) {
      for (const c of changesOf(byHolder)) this.changes.publish(c);
      return byHolder;
    }
    return this.write((trx) => markTaskStatus(trx, project, options), changesOf, { project, mode: 'status' });
  }

  heartbeat(project: string, input: Omit<HeartbeatInput, 'project'>) {
    return this.write(
      async (trx) => heartbeat(trx, project, { ...input, lease_seconds: await leaseSecondsFor(trx, project, input.lease_seconds, this.options.leaseSeconds) }),
      (r) => [{ project, task_ids: [r.task_id], kind: 'heartbeat' }],
    );
  }

  /**
   * Returns expired leases to the pool now (the reaper calls this every few seconds). No project lock:
   * it moves in_progress tasks to pending or failed, never to or from completed, so no unmet_deps moves.
   */
  reapExpiredLeases() {
    return this.write(
      (trx) => reapExpiredLeases(trx),
      (expired) => {
        const byProject = new Map<string, string[]>();
        for (const t of expired) byProject.set(t.project_id, [...(byProject.get(t.project_id) ?? []), t.id]);
        return [...byProject].map(([project, task_ids]) => ({ project, task_ids, kind: 'lease_expired' }));
      },
    );
  }

  /**
   * Deletes events older than the retention (none when it is unset), a bounded batch per project:
   * the reaper's tick calls this until it returns less than a batch. Notes are kept: they are part of their task.
   */
  pruneEvents(): Promise<number> {
    const days = this.options.eventRetentionDays;
    return days === undefined ? Promise.resolve(0) : inTransaction(this.db, (trx) => deleteOldEvents(trx, days, PRUNE_BATCH));
  }

  /** Whether anything was ever written to the project (a write, an import or its settings). */
  projectExists(project: string) {
    return projectExists(this.db, project);
  }

  /** The first `limit` project ids by name, and how many there are. */
  projectIds(limit: number) {
    return selectProjectIds(this.db, limit);
  }

  setProjectSettings(project: string, settings: ProjectSettings) {
    return inTransaction(this.db, (trx) => mergeProjectSettings(trx, project, settings));
  }

  readTaskBreakdown(project: string, input: Omit<BreakdownInput, 'project'> = {}) {
    return inTransaction(this.db, (trx) => readTaskBreakdown(trx, project, input));
  }

  /** Imports a parsed tracker in one transaction; a dry run reports the same figures and keeps nothing. */
  async importTasks(project: string, input: ImportInput, options: ImportOptions = {}): Promise<ImportResult> {
    return (await this.importBoards([{ project, input }], options))[0];
  }

  /** Imports several boards of one tracker file (Taskmaster's tags), each into its project, in one transaction. */
  async importBoards(boards: Array<{ project: string; input: ImportInput }>, options: ImportOptions = {}): Promise<ImportResult[]> {
    const dryRun = options.dryRun ?? false;
    try {
      const results = await this.write(
        async (trx) => {
          const done: ImportResult[] = [];
          for (const b of boards) {
            done.push(await importTasks(trx, b.project, b.input, options.actor ?? null, dryRun));
            options.onBoard?.(b.input.tasks.length);
          }
          if (dryRun) throw new DryRun(done);
          return done;
        },
        (done) => done.map((r) => ({ project: r.project, task_ids: [], kind: 'written' })),
        { project: boards.map((b) => b.project), mode: 'graph' },
      );
      if (results.reduce((n, r) => n + r.created + r.updated, 0) >= LARGE_WRITE) await this.analyzeQuietly();
      return results;
    } catch (err) {
      if (err instanceof DryRun) return err.results;
      throw err;
    }
  }

  /** Every task of a project with notes and metadata, and its events: what exports are made from. */
  snapshot(project: string, taskIds?: string[], onBatch?: (read: number) => void) {
    return inTransaction(this.db, (trx) => readSnapshot(trx, project, taskIds, onBatch));
  }

  /** The board streamed into `sink` in a tracker format, in bounded memory whatever its size (see exportBoard). */
  exportTo(project: string, spec: TrackerFormatSpec, sink: ExportSink, options?: ExportOptions) {
    return inReadSnapshot(this.db, (trx) => exportBoard(trx, project, spec, sink, options));
  }

  updateTask(project: string, input: Omit<UpdateTaskInput, 'project'>) {
    return this.write(
      (trx) => updateTask(trx, project, input, input.agent ?? null),
      (r) => (r.changed.length ? [{ project, task_ids: [r.task.id], kind: 'edited' }] : []),
      input.dependencies !== undefined ? { project, mode: 'graph' } : undefined,
    );
  }

  addNote(project: string, taskId: string, note: string, actor: string) {
    return this.write(
      (trx) => addNote(trx, project, taskId, note, actor),
      (r) => [{ project, task_ids: [r.task_id], kind: 'note' }],
    );
  }

  /** A person sends a failed, blocked or cancelled task back to pending. */
  retryTask(project: string, taskId: string, actor: string, note?: string) {
    return this.write(
      (trx) => retryTask(trx, project, taskId, actor, note),
      (r) => [{ project, task_ids: [r.task.id], kind: 'status' }],
      { project, mode: 'status' },
    );
  }

  cancelTask(project: string, taskId: string, actor: string, note?: string) {
    return this.write(
      (trx) => cancelTask(trx, project, taskId, actor, note),
      (r) => [{ project, task_ids: [r.task.id], kind: 'status' }],
      { project, mode: 'status' },
    );
  }

  // Read-only views for the web board; each reads in one transaction, so its figures agree.

  boardSnapshot(project: string, page: { offset?: number; limit?: number } = {}) {
    return inTransaction(this.db, (trx) => boardSnapshot(trx, project, page));
  }

  taskDetail(project: string, taskId: string, page: { offset?: number; limit?: number } = {}) {
    return inTransaction(this.db, (trx) => taskDetail(trx, project, taskId, page));
  }

  agents(project: string) {
    return inTransaction(this.db, (trx) => agentsView(trx, project));
  }

  progress(project: string, hours?: number) {
    return inTransaction(this.db, (trx) => progressView(trx, project, hours));
  }

  dependencyGraph(project: string, scope: { phase?: string; task_id?: string } = {}) {
    return inTransaction(this.db, (trx) => dependencyView(trx, project, scope));
  }
}

/** Rolls a dry run's transaction back while carrying its result out. */
/** `onBoard`: told the number of tasks of each board once it is written (a progress bar's feed). */
type ImportOptions = { actor?: string | null; dryRun?: boolean; onBoard?: (tasks: number) => void };

class DryRun extends Error {
  constructor(readonly results: ImportResult[]) {
    super('dry run');
  }
}
