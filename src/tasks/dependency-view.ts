import { selectChainIds, selectGraphNodes, selectGraphNodesByIds } from '../db/board-queries.js';
import { selectBlockedChains } from '../db/blocked-chains.js';
import { selectEdgesOf } from '../db/dependencies.js';
import type { Db } from '../db/schema.js';
import { taskNotFound } from './errors.js';

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
 * project (cut at GRAPH_MAX_NODES), with the deadlock chains that touch it. Reads what it shows: the
 * chosen tasks, their links, and a few chains from their dead ends (never the whole board).
 */
export async function dependencyView(db: Db, projectId: string, scope: { phase?: string; task_id?: string }): Promise<GraphView> {
  const chosen = new Set<string>();
  const external = new Set<string>();
  let truncated = false;
  const add = (id: string, outside = false) => {
    if (chosen.has(id)) return;
    if (chosen.size >= GRAPH_MAX_NODES) {
      truncated = true;
      return;
    }
    chosen.add(id);
    if (outside) external.add(id);
  };
  if (scope.task_id) {
    const up = await selectChainIds(db, projectId, scope.task_id, 'upstream', GRAPH_MAX_NODES + 1);
    if ((await selectGraphNodesByIds(db, projectId, [scope.task_id])).length === 0) throw taskNotFound(scope.task_id, projectId);
    const down = await selectChainIds(db, projectId, scope.task_id, 'downstream', GRAPH_MAX_NODES + 1);
    for (const id of [...up, ...down.slice(1)]) add(id);
    if (up.length > GRAPH_MAX_NODES || down.length > GRAPH_MAX_NODES) truncated = true;
  } else {
    const rows = await selectGraphNodes(db, projectId, scope.phase, GRAPH_MAX_NODES + 1);
    for (const r of rows) add(r.id);
    if (scope.phase !== undefined) {
      for (const e of await selectEdgesOf(db, projectId, [...chosen])) if (!chosen.has(e.depends_on)) add(e.depends_on, true);
    }
  }

  const chains = (await selectBlockedChains(db, projectId, 20))
    .map((c) => [...c.path].reverse())
    .filter((c) => c.some((id) => chosen.has(id) && !external.has(id)));
  for (const chain of chains) for (const id of chain) add(id, true);

  const rows = await selectGraphNodesByIds(db, projectId, [...chosen]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const nodes: GraphNode[] = [...chosen].filter((id) => byId.has(id)).map((id) => {
    const r = byId.get(id)!;
    const node: GraphNode = { id, title: r.title ?? r.description, status: r.status };
    if (r.status === 'pending') node.ready = r.unmet_deps === 0;
    if (r.phase) node.phase = r.phase;
    if (id === scope.task_id) node.focus = true;
    if (external.has(id)) node.external = true;
    return node;
  });
  const edges = (await selectEdgesOf(db, projectId, [...chosen])).filter((e) => chosen.has(e.depends_on)).map((e) => ({ from: e.depends_on, to: e.task_id }));
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
