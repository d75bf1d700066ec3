import { readChangeLog } from './change-log.js';
import { type Block, markdownBlocks } from './markdown-blocks.js';
import { isTaskTable, readTaskTable } from './task-table.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

/**
 * tasks.md: Markdown task tables (id, status, description, depends_on, blocks, agent, …) under
 * headings; a level-2 heading above a table is its phase, a deeper one its module. A change-log
 * table, if any, becomes events (it carries the notes).
 */
export function parseTasksMd(text: string, blocks: Block[] = markdownBlocks(text)): ParsedTracker {
  const out = new TrackerBuilder('tasks-md');
  return parseTableTracker(blocks, out, (header, rows, line) => readChangeLog(header, rows, line, out));
}

/** Walks headings and tables; `other` gets the tables that are not task tables and says whether it used them. */
export function parseTableTracker(
  blocks: Block[],
  out: TrackerBuilder,
  other: (header: string[], rows: string[][], line: number) => boolean,
): ParsedTracker {
  let phase: string | undefined;
  let module: string | undefined;
  for (const block of blocks) {
    if (block.kind === 'heading') {
      if (block.depth === 2) {
        phase = block.text;
        module = undefined;
      } else if (block.depth > 2) module = block.text;
    } else if (block.kind === 'table') {
      if (isTaskTable(block.header)) readTaskTable(block, { phase, module }, out);
      else if (!other(block.header, block.rows, block.line)) {
        out.skip(block.line, `a table without id and task columns (${block.header.join(' | ')}): not tasks`);
      }
    }
  }
  return out.finish();
}
