import type { TaskBoard } from '../src/tasks/board.js';
import type { BenchTask } from './graph.js';
import { elapsedMs } from './stats.js';

export const LOAD_CHUNK = 5_000;

/** Writes the graph through the engine's own write_task_list path, in merge-mode chunks; returns the seconds it took. */
export async function loadGraph(board: TaskBoard, project: string, tasks: BenchTask[], chunk = LOAD_CHUNK): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < tasks.length; i += chunk) {
    await board.writeTaskList(project, { tasks: tasks.slice(i, i + chunk), mode: 'merge' }, 'bench');
  }
  return elapsedMs(start) / 1000;
}
