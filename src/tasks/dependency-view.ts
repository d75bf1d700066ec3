import { selectGraphNodes } from '../db/board-queries.js';
import { selectProjectEdges } from '../db/dependencies.js';
import type { Db } from '../db/schema.js';
import { taskNotFound } from './errors.js';
import { blockingChains, type DependencyGraph } from './graph.js';

export type GraphNode = { id: string; title: string; status: string; ready?: boolean; phase?: string; focus?: boolean; external?: boolean };
export type GraphView = {
  project: string;
  phase?: string;
  task_id?: string;
  nodes: GraphNode[];
  /** from a dependency to the task that waits on it */
  edges: Array<{ from: string; to: string }>;
  /** pending work behind failed, blocked or cancelled tasks: each chain ends at the task that stops it */
  deadlock_chains: string[][];
  truncated: boolean;
};

export const GRAPH_MAX_NODES = 400;

/**
 * The dependency graph of one phase, of one task's upstream and downstream chain, or of the whole
 * project (cut at GRAPH_MAX_NODES), with the deadlock chains that touch it.
 */
export async function dependencyView(db: Db, projectId: string, scope: { phase?: string; task_id?: string }): Promise<GraphView> {
  const rows = await selectGraphNodes(db, projectId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const deps: DependencyGraph = new Map();
  const dependents = new Map<string, string[]>();
  for (const e of await selectProjectEdges(db, projectId)) {
    deps.set(e.task_id, [...(deps.get(e.task_id) ?? []), e.depends_on]);
    dependents.set(e.depends_on, [...(dependents.get(e.depends_on) ?? []), e.task_id]);
  }

  const chosen = new Set<string>();
  const external = new Set<string>();
  let truncated = false;
  const add = (id: string, outside = false) => {
    if (chosen.has(id)) return true;
    if (chosen.size >= GRAPH_MAX_NODES) return !(truncated = true);
    chosen.add(id);
    if (outside) external.add(id);
    return true;
  };
  if (scope.task_id) {
    if (!byId.has(scope.task_id)) throw taskNotFound(scope.task_id, projectId);
    add(scope.task_id);
    for (const next of [deps, dependents]) {
      const queue = [scope.task_id];
      while (queue.length) {
        for (const id of next.get(queue.shift()!) ?? []) if (!chosen.has(id) && add(id)) queue.push(id);
      }
    }
  } else {
    for (const r of rows) if (scope.phase === undefined || r.phase === scope.phase) add(r.id);
    if (scope.phase !== undefined) for (const id of [...chosen]) for (const d of deps.get(id) ?? []) if (!chosen.has(d)) add(d, true);
  }

  const statuses = new Map(rows.filter((r) => r.status !== 'completed').map((r) => [r.id, r.status]));
  const chains = blockingChains(deps, statuses, 1000).filter((c) => c.some((id) => chosen.has(id) && !external.has(id))).slice(0, 20);
  for (const chain of chains) for (const id of chain) add(id, true);

  const nodes: GraphNode[] = [...chosen].map((id) => {
    const r = byId.get(id)!;
    const node: GraphNode = { id, title: r.title ?? r.description, status: r.status };
    if (r.status === 'pending') node.ready = r.unmet_deps === 0;
    if (r.phase) node.phase = r.phase;
    if (id === scope.task_id) node.focus = true;
    if (external.has(id)) node.external = true;
    return node;
  });
  const edges = [...chosen].flatMap((id) => (deps.get(id) ?? []).filter((d) => chosen.has(d)).map((d) => ({ from: d, to: id })));
  return {
    project: projectId,
    ...(scope.phase !== undefined ? { phase: scope.phase } : {}),
    ...(scope.task_id ? { task_id: scope.task_id } : {}),
    nodes,
    edges,
    deadlock_chains: chains,
    truncated,
  };
}
