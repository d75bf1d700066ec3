/** Dependency graphs as adjacency maps: task id → the ids it depends on. */
export type DependencyGraph = Map<string, readonly string[]>;

/** The first cycle found, as a path that ends where it starts (T3 → T5 → T3), or undefined. */
export function findCycle(graph: DependencyGraph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 'visiting');
    path.push(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const deps = graph.get(frame.id) ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.id, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const dep = deps[frame.next++];
      const seen = state.get(dep);
      if (seen === 'visiting') return [...path.slice(path.indexOf(dep)), dep];
      if (seen === undefined) {
        state.set(dep, 'visiting');
        path.push(dep);
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return undefined;
}
