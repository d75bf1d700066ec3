import { selectEdgesAbove } from '../db/dependencies.js';
import type { Db } from '../db/schema.js';
import { findCycle } from './graph.js';

/**
 * After a write added dependencies to the tasks `rewired` (edges already written, in the write's
 * transaction): a cycle the write made, or undefined. Every new cycle passes through a rewired task,
 * so only the tasks that depend on one of them are read, never the whole board.
 */
export async function findNewCycle(db: Db, projectId: string, rewired: string[]): Promise<string[] | undefined> {
  const above = new Map<string, string[]>();
  for (const e of await selectEdgesAbove(db, projectId, rewired)) above.set(e.task_id, [...(above.get(e.task_id) ?? []), e.depends_on]);
  return findCycle(above);
}
