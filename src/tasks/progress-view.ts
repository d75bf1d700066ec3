import { countByPhaseAndStatus, countCompletedPerHour } from '../db/board-queries.js';
import type { Db } from '../db/schema.js';
import { type Counts, progressPercent, toCounts } from './counts.js';
import type { StatusCounts } from '../db/tasks.js';

export type PhaseProgress = { phase: string | null; counts: Counts; progress_percent: number };
export type ProgressView = {
  project: string;
  generated_at: string;
  total: PhaseProgress;
  phases: PhaseProgress[];
  completed_per_hour: Array<{ hour: string; completed: number }>;
};

/** Counts and percent done per phase (in order of name, no phase last) and in total, and throughput. */
export async function progressView(db: Db, projectId: string, hours = 24): Promise<ProgressView> {
  const raw = new Map<string | null, StatusCounts>();
  const total = { total: 0, ready: 0 } as StatusCounts;
  for (const r of await countByPhaseAndStatus(db, projectId)) {
    const c = raw.get(r.phase) ?? ({ total: 0, ready: 0 } as StatusCounts);
    c[r.status] = (c[r.status] ?? 0) + r.n;
    c.total += r.n;
    total[r.status] = (total[r.status] ?? 0) + r.n;
    total.total += r.n;
    if (r.status === 'pending') {
      c.ready += r.ready;
      total.ready += r.ready;
    }
    raw.set(r.phase, c);
  }
  const view = (phase: string | null, c: StatusCounts): PhaseProgress => {
    const counts = toCounts(c);
    return { phase, counts, progress_percent: progressPercent(counts) };
  };
  const phases = [...raw]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b, undefined, { numeric: true })))
    .map(([phase, c]) => view(phase, c));
  const perHour = await countCompletedPerHour(db, projectId, hours);
  return {
    project: projectId,
    generated_at: new Date().toISOString(),
    total: view(null, total),
    phases,
    completed_per_hour: perHour.map((r) => ({ hour: new Date(r.hour).toISOString(), completed: r.n })),
  };
}
