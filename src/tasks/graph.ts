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

/**
 * For pending tasks that can never become ready, the chain to the work that stops them:
 * each chain starts at a pending task and ends at a failed, blocked or cancelled one.
 */
export function blockingChains(
  graph: DependencyGraph,
  status: Map<string, string>,
  limit: number,
): string[][] {
  const dead = new Set(['failed', 'blocked', 'cancelled']);
  const memo = new Map<string, string[] | null>();
  const chainFrom = (id: string, depth: number): string[] | null => {
    if (memo.has(id)) return memo.get(id)!;
    memo.set(id, null);
    let found: string[] | null = null;
    if (dead.has(status.get(id) ?? '')) found = [id];
    else if (status.get(id) === 'pending' && depth < 1000) {
      for (const dep of graph.get(id) ?? []) {
        const sub = chainFrom(dep, depth + 1);
        if (sub) {
          found = [id, ...sub];
          break;
        }
      }
    }
    memo.set(id, found);
    return found;
  };
  const chains: string[][] = [];
  const reported = new Set<string>();
  for (const [id, s] of status) {
    if (s !== 'pending' || reported.has(id)) continue;
    const chain = chainFrom(id, 0);
    if (!chain) continue;
    chain.forEach((t) => reported.add(t));
    chains.push(chain);
    if (chains.length >= limit) break;
  }
  return chains;
}
