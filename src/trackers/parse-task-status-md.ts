import { type Block, markdownBlocks } from './markdown-blocks.js';
import { parseTableTracker } from './parse-tasks-md.js';
import { readChangeLog } from './change-log.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

/**
 * TASK-STATUS.md: phase (`## Phase 1: …`) and section (`### 1.1 Storage`) headings over task tables
 * whose status cell ends in a code word (`✅ DONE`). The section becomes the module. The status legend
 * and progress summaries are not tasks; the change log becomes events.
 */
export function parseTaskStatusMd(text: string, blocks: Block[] = markdownBlocks(text)): ParsedTracker {
  const out = new TrackerBuilder('task-status-md');
  return parseTableTracker(blocks, out, (header, rows, line) => readChangeLog(header, rows, line, out));
}

