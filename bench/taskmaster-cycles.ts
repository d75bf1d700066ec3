import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchTask } from './graph.js';
import { runRound, type RoundResult } from './cycle-runner.js';
import type { TaskmasterImpl } from './taskmaster-impl.js';

const PRIORITY_WORD = ['high', 'high', 'medium', 'low', 'low'];

/** The same graph as a Taskmaster tasks.json (tagged format, numeric ids, high/medium/low priorities). */
export function writeTasksJson(root: string, tasks: BenchTask[]): string {
  const file = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const num = (id: string) => Number(id.slice(1));
  const now = new Date().toISOString();
  const list = tasks.map((t) => ({
    id: num(t.id), title: t.description, description: t.description, details: '', testStrategy: '',
    status: 'pending', priority: PRIORITY_WORD[t.priority - 1], dependencies: t.dependencies.map(num), subtasks: [],
  }));
  fs.writeFileSync(file, JSON.stringify({ master: { tasks: list, metadata: { created: now, updated: now, description: 'bench' } } }, null, 2));
  return file;
}

/**
 * One agent's take-and-finish the way a JSON-file tracker does it: parse the whole file, pick the next
 * task, set it in-progress and write the whole file; then set it done and write the whole file again.
 * (Taskmaster's set_task_status also re-validates every dependency chain on each write; that step is
 * left out here, which only flatters the file tracker.)
 */
export async function taskmasterRun(impl: TaskmasterImpl, tasks: BenchTask[], warmup: number, measure: number): Promise<RoundResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-tm-'));
  try {
    const file = writeTasksJson(root, tasks);
    return await runRound(async () => {
      const { raw, tasks: list } = impl.read(file, root);
      const next = impl.findNextTask(list);
      if (!next) return 'all_done';
      const task = list.find((t) => t.id === next.id)!;
      task.status = 'in-progress';
      impl.write(file, raw, root);
      task.status = 'done';
      impl.write(file, raw, root);
      return 'done';
    }, 1, warmup, measure);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
