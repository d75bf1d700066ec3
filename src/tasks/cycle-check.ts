import { selectEdgesAbove } from '../db/dependencies.js';
import type { Db } from '../db/schema.js';
import { findCycle } from './graph.js';

/**
 * After a write added dependencies to the tasks `rewired` (edges already written, in the write's
 * transaction): a cycle the write made, or undefined. Every new cycle passes through a rewired task,
 * so only the tasks that depend on one of them are read, never the whole board.
 */
export async function findNewCycle(db: Db, projectId: string, rewired: string[]): Promise<string[] | undefined> {
  // The walk starts at the rewired tasks, so that a cycle is told from the task the write changed.
  const above = new Map<string, string[]>(rewired.map((id) => [id, []]));
  for (const e of await selectEdgesAbove(db, projectId, rewired)) above.set(e.task_id, [...(above.get(e.task_id) ?? []), e.depends_on]);
  return findCycle(above);
}

/** A cycle for a message: a long one shows its first ten steps and its last three. */
export function showCycle(cycle: string[]): string {
  if (cycle.length <= 14) return cycle.join(' → ');
  return [...cycle.slice(0, 10), `… (${cycle.length - 13} more)`, ...cycle.slice(-3)].join(' → ');
}
