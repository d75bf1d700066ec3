import type { TaskInput } from '../tasks/inputs.js';

/**
 * Drops the links that close a dependency cycle among `tasks`, and reports each: a depth-first walk
 * in file order, iterative (a chain of 100,000 tasks is no deep recursion), linear in tasks + links.
 * Removing every back edge of one depth-first walk leaves no cycle. Links to tasks not in the list
 * are left alone (the import reports them).
 */
export function breakCycles(tasks: TaskInput[], report: (task: TaskInput, dependency: string) => void): void {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const state = new Map<string, 1 | 2>(); // 1: on the walk's path, 2: done
  const dropped = new Map<string, Set<string>>();
  for (const root of tasks) {
    if (state.has(root.id)) continue;
    const stack: Array<{ task: TaskInput; next: number }> = [{ task: root, next: 0 }];
    state.set(root.id, 1);
    while (stack.length) {
      const frame = stack[stack.length - 1];
      const deps = frame.task.dependencies ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.task.id, 2);
        stack.pop();
        continue;
      }
      const dep = deps[frame.next++];
      const target = byId.get(dep);
      if (!target) continue;
      const seen = state.get(dep);
      if (seen === 1) {
        if (!dropped.has(frame.task.id)) dropped.set(frame.task.id, new Set());
        dropped.get(frame.task.id)!.add(dep);
      } else if (seen === undefined) {
        state.set(dep, 1);
        stack.push({ task: target, next: 0 });
      }
    }
  }
  for (const [id, deps] of dropped) {
    const task = byId.get(id)!;
    task.dependencies = task.dependencies!.filter((d) => !deps.has(d));
    for (const d of deps) report(task, d);
  }
}

export const cycleReason = (id: string, dep: string) =>
  `${id}.dependencies: the link to ${dep} closes a cycle (${dep} already waits for ${id}); that link was left out`;
