import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { readTaskBreakdown } from './breakdown.js';
import type { BreakdownInput, MarkStatusInput, NextTaskInput, UpdateTaskInput, WriteTaskListInput } from './inputs.js';
import { markTaskStatus } from './mark-status.js';
import { importTasks, type ImportInput, type ImportResult } from './import-tasks.js';
import { nextTask } from './next-task.js';
import { readSnapshot } from './snapshot.js';
import { updateTask } from './update-task.js';
import { type WriteOptions, writeTaskList } from './write-task-list.js';

export type BoardOptions = { leaseSeconds: number };

/** The task engine: every operation is one transaction; it knows nothing of MCP. */
export class TaskBoard {
  constructor(
    readonly db: Kysely<Database>,
    readonly options: BoardOptions,
  ) {}

  writeTaskList(project: string, input: Omit<WriteTaskListInput, 'project'>, actor: string | null = null, options: WriteOptions = {}) {
    return inTransaction(this.db, (trx) => writeTaskList(trx, project, input, actor, options));
  }

  nextTask(project: string, input: Omit<NextTaskInput, 'project'> = {}) {
    return inTransaction(this.db, (trx) =>
      nextTask(trx, project, {
        agent: input.agent ?? null,
        claim: input.claim ?? true,
        leaseSeconds: input.lease_seconds ?? this.options.leaseSeconds,
        phase: input.phase,
        module: input.module,
        tags: input.tags,
        skipDependencies: input.skip_dependencies,
      }),
    );
  }

  markTaskStatus(project: string, input: Omit<MarkStatusInput, 'project'>) {
    return inTransaction(this.db, (trx) =>
      markTaskStatus(trx, project, { ...input, agent: input.agent ?? null, leaseSeconds: this.options.leaseSeconds }),
    );
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
