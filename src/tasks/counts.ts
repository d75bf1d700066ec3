import type { StatusCounts } from '../db/tasks.js';
import { STATUSES } from './status.js';

export type Counts = { total: number; ready: number } & Record<(typeof STATUSES)[number], number>;

export function toCounts(raw: StatusCounts): Counts {
  const counts = { total: raw.total, ready: raw.ready } as Counts;
  for (const s of STATUSES) counts[s] = raw[s] ?? 0;
  return counts;
}

/** Completed over all tasks that are not cancelled, in percent with one decimal. */
export function progressPercent(c: Counts): number {
  const relevant = c.total - c.cancelled;
  return relevant === 0 ? 0 : Math.round((c.completed / relevant) * 1000) / 10;
}
