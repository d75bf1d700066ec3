import { selectLinks } from '../db/dependencies.js';
import { selectNotes } from '../db/events.js';
import type { Db } from '../db/schema.js';
import { projectExists } from '../db/projects.js';
import { countByStatus, selectTaskPage } from '../db/tasks.js';
import { progressPercent, toCounts } from './counts.js';
import type { BreakdownInput } from './inputs.js';
import { noProjectMessage } from './missing-project.js';
import { parseStatus } from './status.js';
import { compactTaskView, type TaskView } from './task-view.js';

/** Sized so that a default page of a large board stays within an agent's reply budget. */
export const DEFAULT_PAGE_SIZE = 20;

export type BreakdownResult = {
  project: string;
  generated_at: string;
  total_tasks: number;
  pending_count: number;
  ready_count: number;
  in_progress_count: number;
  review_count: number;
  completed_count: number;
  failed_count: number;
  blocked_count: number;
  cancelled_count: number;
  progress_percent: number;
  offset: number;
  next_offset?: number;
  tasks: TaskView[];
  /** Set when nothing was ever written to the project (a mistyped name reads as an empty board otherwise). */
  message?: string;
};

export async function readTaskBreakdown(db: Db, projectId: string, input: Omit<BreakdownInput, 'project'>): Promise<BreakdownResult> {
  const ready = input.status?.trim().toLowerCase() === 'ready';
  const status = input.status && !ready ? parseStatus(input.status) : undefined;
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const offset = input.offset ?? 0;
  const counts = toCounts(await countByStatus(db, projectId));
  const rows = await selectTaskPage(db, projectId, { status, ready, phase: input.phase, limit: limit + 1, offset });
  const page = rows.slice(0, limit);
  const ids = page.map((r) => r.id);
  const links = await selectLinks(db, projectId, ids);
  const notes = input.include_notes ? await selectNotes(db, projectId, ids) : undefined;
  const tasks = page.map((r) =>
    compactTaskView(r, { dependencies: links.dependencies.get(r.id) ?? [], blocks: links.blocks.get(r.id) ?? [] }, notes ? (notes.get(r.id) ?? []) : undefined),
  );
  return {
    project: projectId,
    generated_at: new Date().toISOString(),
    total_tasks: counts.total,
    pending_count: counts.pending,
    ready_count: counts.ready,
    in_progress_count: counts.in_progress,
    review_count: counts.review,
    completed_count: counts.completed,
    failed_count: counts.failed,
    blocked_count: counts.blocked,
    cancelled_count: counts.cancelled,
    progress_percent: progressPercent(counts),
    offset,
    ...(rows.length > limit ? { next_offset: offset + limit } : {}),
    tasks,
    ...(counts.total === 0 && !(await projectExists(db, projectId)) ? { message: noProjectMessage(projectId) } : {}),
  };
}
