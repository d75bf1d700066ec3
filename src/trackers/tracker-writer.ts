import type { SnapshotEvent, SnapshotTask } from '../tasks/snapshot.js';

/** See src/db/export-cursors.ts: the order a format needs its tasks in. */
export type TaskOrder = 'seq' | 'sections' | 'families';

/** The optional columns of a tasks.md table: which fields any task has, and the scalar metadata keys in order of first use. */
export type TableColumns = { module: boolean; priority: boolean; title: boolean; result: boolean; metadataKeys: string[] };

/** What a tracker's top needs from across the board, known before its first task is read. */
export type ExportHead = {
  project: string;
  generated_at: string;
  counts: { total: number; completed: number; cancelled: number };
  columns?: TableColumns;
};

/**
 * A tracker written a piece at a time: `start`, then `tasks` for each batch (in the format's order),
 * `tasksDone`, `events` for each batch of the change log, `end`. Each returns the text to append.
 * `omitted` counts what a capped export left out (the MCP resource), for a line that says so.
 */
export type TrackerWriter = {
  start(head: ExportHead): string;
  tasks(batch: SnapshotTask[]): string;
  tasksDone(omitted?: number): string;
  events(batch: SnapshotEvent[]): string;
  end(omitted?: number): string;
};

/** A format: its task order, whether it needs the table columns or a change log, and its writer. */
export type TrackerFormatSpec = { order: TaskOrder; columns: boolean; changeLog: boolean; writer: () => TrackerWriter };

/** A JSON array's items written as they come, at the indent of `JSON.stringify(…, null, 2)` `depth` levels down. */
export function jsonItems(depth: number) {
  const pad = ' '.repeat(2 * depth);
  let count = 0;
  return {
    item: (value: unknown) => `${count++ ? ',' : ''}\n${pad}${JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`)}`,
    /** The array's closing bracket, on a line of its own when it holds items. */
    close: () => (count ? `\n${' '.repeat(2 * (depth - 1))}]` : ']'),
  };
}
