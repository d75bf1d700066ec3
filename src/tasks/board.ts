import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { readTaskBreakdown } from './breakdown.js';
import { mergeProjectSettings, type ProjectSettings } from '../db/projects.js';
import { RecentCounts } from './recent-counts.js';
import { heartbeat, leaseSecondsFor, reapExpiredLeases } from './leases.js';
import type { BreakdownInput, HeartbeatInput, MarkStatusInput, NextTaskInput, UpdateTaskInput, WriteTaskListInput } from './inputs.js';
import { markTaskStatus } from './mark-status.js';
import { importTasks, type ImportInput, type ImportResult } from './import-tasks.js';
import { nextTask } from './next-task.js';
import { readSnapshot } from './snapshot.js';
import { updateTask } from './update-task.js';
import { type WriteOptions, writeTaskList } from './write-task-list.js';

export type BoardOptions = {
  leaseSeconds: number;
  maxAttempts?: number;
  /** get_next_task attaches up to 3 relevant lessons to the task it hands out (default on). */
  attachLessons?: boolean;
};

/** The task engine: every operation is one transaction; it knows nothing of MCP. */
export class TaskBoard {
  private readonly recentCounts = new RecentCounts(1000);

  constructor(
    readonly db: Kysely<Database>,
    readonly options: BoardOptions,
  ) {}

  writeTaskList(project: string, input: Omit<WriteTaskListInput, 'project'>, actor: string | null = null, options: WriteOptions = {}) {
    return inTransaction(this.db, (trx) => writeTaskList(trx, project, input, actor, { defaultMaxAttempts: this.options.maxAttempts, ...options }));
  }

  nextTask(project: string, input: Omit<NextTaskInput, 'project'> = {}) {
    return inTransaction(this.db, async (trx) =>
      nextTask(trx, project, {
        agent: input.agent ?? null,
        claim: input.claim ?? true,
        leaseSeconds: await leaseSecondsFor(trx, project, input.lease_seconds, this.options.leaseSeconds),
        attachLessons: this.options.attachLessons ?? true,
        recentCounts: this.recentCounts,
        phase: input.phase,
        module: input.module,
        tags: input.tags,
        skipDependencies: input.skip_dependencies,
      }),
    );
  }

  markTaskStatus(project: string, input: Omit<MarkStatusInput, 'project'>) {
    return inTransaction(this.db, async (trx) =>
      markTaskStatus(trx, project, {
        ...input,
        agent: input.agent ?? null,
        leaseSeconds: await leaseSecondsFor(trx, project, undefined, this.options.leaseSeconds),
      }),
    );
  }

  heartbeat(project: string, input: Omit<HeartbeatInput, 'project'>) {
    return inTransaction(this.db, async (trx) =>
      heartbeat(trx, project, { ...input, lease_seconds: await leaseSecondsFor(trx, project, input.lease_seconds, this.options.leaseSeconds) }),
    );
  }

  /** Returns expired leases to the pool now (the reaper calls this every few seconds). */
  reapExpiredLeases() {
    return inTransaction(this.db, (trx) => reapExpiredLeases(trx));
  }

  setProjectSettings(project: string, settings: ProjectSettings) {
    return inTransaction(this.db, (trx) => mergeProjectSettings(trx, project, settings));
  }

  readTaskBreakdown(project: string, input: Omit<BreakdownInput, 'project'> = {}) {
    return inTransaction(this.db, (trx) => readTaskBreakdown(trx, project, input));
  }

  /** Imports a parsed tracker in one transaction; a dry run reports the same figures and keeps nothing. */
  async importTasks(project: string, input: ImportInput, options: { actor?: string | null; dryRun?: boolean } = {}): Promise<ImportResult> {
    const dryRun = options.dryRun ?? false;
    try {
      return await inTransaction(this.db, async (trx) => {
        const result = await importTasks(trx, project, input, options.actor ?? null, dryRun);
        if (dryRun) throw new DryRun(result);
        return result;
      });
    } catch (err) {
      if (err instanceof DryRun) return err.result;
      throw err;
    }
  }

  /** Every task of a project with notes and metadata, and its events: what exports are made from. */
  snapshot(project: string, taskIds?: string[]) {
    return inTransaction(this.db, (trx) => readSnapshot(trx, project, taskIds));
  }

  updateTask(project: string, input: Omit<UpdateTaskInput, 'project'>) {
    return inTransaction(this.db, (trx) => updateTask(trx, project, input, input.agent ?? null));
  }
}

/** Rolls a dry run's transaction back while carrying its result out. */
class DryRun extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}
