import type { Store } from '../src/db/open.js';
import { type BoardOptions, TaskBoard } from '../src/tasks/board.js';
import type { Cycle } from './cycle-runner.js';

/** claim + complete through the engine (TaskBoard), exactly as the MCP tools call it. */
export function engineCycle(store: Store, project: string, options: Partial<BoardOptions> = {}): Cycle {
  const board = new TaskBoard(store.db, { leaseSeconds: 900, ...options });
  return async (worker) => {
    const agent = `worker-${worker}`;
    const next = await board.nextTask(project, { agent });
    if (!next.task) return next.reason === 'waiting' ? 'none_ready' : 'all_done';
    await board.markTaskStatus(project, { task_id: next.task.id, status: 'completed', agent });
    return 'done';
  };
}
