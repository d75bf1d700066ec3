import type { SnapshotTask } from '../tasks/snapshot.js';

export type Section = { module?: string; tasks: SnapshotTask[] };
export type PhaseGroup = { phase?: string; sections: Section[] };

/**
 * Tasks by phase, then module, in board order. Within a group the tasks without a module come first,
 * and tasks without a phase lead: a reader then gives each task back the phase and module it had.
 */
export function groupTasks(tasks: SnapshotTask[]): PhaseGroup[] {
  const phases = new Map<string | undefined, Map<string | undefined, SnapshotTask[]>>();
  if (tasks.some((t) => !t.phase)) phases.set(undefined, new Map());
  for (const t of tasks) {
    if (!phases.has(t.phase)) phases.set(t.phase, new Map());
    const modules = phases.get(t.phase)!;
    if (!t.module && !modules.has(undefined)) {
      const rest = [...modules];
      modules.clear();
      modules.set(undefined, []);
      for (const [k, v] of rest) modules.set(k, v);
    }
    if (!modules.has(t.module)) modules.set(t.module, []);
    modules.get(t.module)!.push(t);
  }
  return [...phases].map(([phase, modules]) => ({ phase, sections: [...modules].map(([module, list]) => ({ module, tasks: list })) }));
}

export const tally = (tasks: SnapshotTask[], status: string) => tasks.filter((t) => t.status === status).length;
