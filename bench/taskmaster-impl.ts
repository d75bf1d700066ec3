import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type TmTask = { id: number; status: string; priority?: string; dependencies?: number[]; subtasks?: unknown[] };
export type TaskmasterImpl = {
  label: string;
  read(file: string, root: string): { raw: Record<string, { tasks: TmTask[] }>; tasks: TmTask[] };
  findNextTask(tasks: TmTask[]): TmTask | null;
  write(file: string, raw: unknown, root: string): void;
};

export const TASKMASTER_DIR = process.env.TASKLANE_BENCH_TASKMASTER_DIR ?? '/tmp/tm/node_modules/task-master-ai';

/**
 * Taskmaster's own readJSON, findNextTask and writeJSON, imported from an install of task-master-ai
 * outside this repository (its dist chunks have hashed names, so they are found by prefix). When it is
 * not installed, a re-implementation of the same algorithm, labelled as such.
 */
export async function loadTaskmaster(): Promise<TaskmasterImpl> {
  const dist = path.join(TASKMASTER_DIR, 'dist');
  const chunk = (prefix: string) => fs.readdirSync(dist).find((f) => f.startsWith(prefix) && f.endsWith('.js'));
  try {
    const version = JSON.parse(fs.readFileSync(path.join(TASKMASTER_DIR, 'package.json'), 'utf8')).version as string;
    const manager = await import(pathToFileURL(path.join(dist, chunk('task-manager-')!)).href);
    const utils = await import(pathToFileURL(path.join(dist, chunk('utils-')!)).href);
    return {
      label: `task-master-ai ${version} (its own readJSON, findNextTask, writeJSON)`,
      read: (file, root) => {
        const data = utils.readJSON(file, root, 'master');
        const raw = data._rawTaggedData ?? data;
        return { raw, tasks: raw.master.tasks };
      },
      findNextTask: (tasks) => manager.findNextTask(tasks, null),
      write: (file, raw, root) => utils.writeJSON(file, raw, root, 'master'),
    };
  } catch {
    return reimplementation;
  }
}

const PRIORITY: Record<string, number> = { high: 3, medium: 2, low: 1 };

/** Re-implementation of scripts/modules/task-manager/find-next-task.js (top-level tasks; the bench graph has no subtasks). */
const reimplementation: TaskmasterImpl = {
  label: 're-implementation of Taskmaster 0.43 find-next-task.js (task-master-ai not installed)',
  read: (file) => {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { raw, tasks: raw.master.tasks };
  },
  findNextTask: (tasks) => {
    const done = new Set(tasks.filter((t) => t.status === 'done' || t.status === 'completed').map((t) => String(t.id)));
    const eligible = tasks.filter((t) => {
      const s = (t.status || 'pending').toLowerCase();
      return (s === 'pending' || s === 'in-progress') && (t.dependencies ?? []).every((d) => done.has(String(d)));
    });
    if (eligible.length === 0) return null;
    return eligible.sort((a, b) => {
      const pa = PRIORITY[a.priority || 'medium'] ?? 2;
      const pb = PRIORITY[b.priority || 'medium'] ?? 2;
      if (pb !== pa) return pb - pa;
      const da = (a.dependencies ?? []).length;
      const db = (b.dependencies ?? []).length;
      return da === db ? a.id - b.id : da - db;
    })[0];
  },
  write: (file, raw) => fs.writeFileSync(file, JSON.stringify(raw, null, 2)),
};
