import { selectCards } from '../db/board-queries.js';
import type { Db } from '../db/schema.js';
import { countByStatus } from '../db/tasks.js';
import { type Counts, progressPercent, toCounts } from './counts.js';
import { iso } from './task-view.js';

export const SNAPSHOT_MAX = 5000;

/** A board card: what a column shows, nothing more. */
export type Card = {
  id: string;
  title: string;
  status: string;
  ready?: boolean;
  priority: number;
  phase?: string;
  module?: string;
  tags?: string[];
  assignee?: string;
  attempts: number;
  max_attempts: number;
  lease_expires_at?: string;
  status_updated_at?: string;
};

export type BoardSnapshot = {
  project: string;
  generated_at: string;
  counts: Counts;
  progress_percent: number;
  offset: number;
  next_offset?: number;
  tasks: Card[];
};

export async function boardSnapshot(db: Db, projectId: string, page: { offset?: number; limit?: number }): Promise<BoardSnapshot> {
  const limit = Math.min(page.limit ?? SNAPSHOT_MAX, SNAPSHOT_MAX);
  const offset = page.offset ?? 0;
  const counts = toCounts(await countByStatus(db, projectId));
  const rows = await selectCards(db, projectId, limit + 1, offset);
  const tasks: Card[] = rows.slice(0, limit).map((r) => {
    const card: Card = {
      id: r.id,
      title: r.title ?? r.description,
      status: r.status,
      priority: r.priority,
      attempts: r.attempts,
      max_attempts: r.max_attempts,
    };
    if (r.status === 'pending') card.ready = r.unmet_deps === 0;
    if (r.phase) card.phase = r.phase;
    if (r.module) card.module = r.module;
    if (r.tags.length) card.tags = r.tags;
    if (r.assignee) card.assignee = r.assignee;
    if (r.status === 'in_progress' && r.lease_expires_at) card.lease_expires_at = iso(r.lease_expires_at);
    if (r.status_updated_at) card.status_updated_at = iso(r.status_updated_at);
    return card;
  });
  return {
    project: projectId,
    generated_at: new Date().toISOString(),
    counts,
    progress_percent: progressPercent(counts),
    offset,
    ...(rows.length > limit ? { next_offset: offset + limit } : {}),
    tasks,
  };
}
