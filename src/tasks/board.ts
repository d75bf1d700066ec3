import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { readTaskBreakdown } from './breakdown.js';
import type { BreakdownInput, MarkStatusInput, NextTaskInput, UpdateTaskInput, WriteTaskListInput } from './inputs.js';
import { markTaskStatus } from './mark-status.js';
import { nextTask } from './next-task.js';
import { updateTask } from './update-task.js';
import { writeTaskList } from './write-task-list.js';

export type BoardOptions = {
  leaseSeconds: number;
  /** get_next_task attaches up to 3 relevant lessons to the task it hands out (default on). */
  attachLessons?: boolean;
};

/** The task engine: every operation is one transaction; it knows nothing of MCP. */
export class TaskBoard {
  constructor(
    readonly db: Kysely<Database>,
    readonly options: BoardOptions,
  ) {}

  writeTaskList(project: string, input: Omit<WriteTaskListInput, 'project'>, actor: string | null = null) {
    return inTransaction(this.db, (trx) => writeTaskList(trx, project, input, actor));
  }

  nextTask(project: string, input: Omit<NextTaskInput, 'project'> = {}) {
    return inTransaction(this.db, (trx) =>
      nextTask(trx, project, {
        agent: input.agent ?? null,
        claim: input.claim ?? true,
        leaseSeconds: input.lease_seconds ?? this.options.leaseSeconds,
        attachLessons: this.options.attachLessons ?? true,
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

  updateTask(project: string, input: Omit<UpdateTaskInput, 'project'>) {
    return inTransaction(this.db, (trx) => updateTask(trx, project, input, input.agent ?? null));
  }
}
