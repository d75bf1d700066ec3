import type { Counts } from './counts.js';

/**
 * A project's counts, reused for up to maxAgeMs when a task is handed out: counting a 100k-task board
 * costs more than the claim itself. Callers that arrive while a count runs share it, so a busy server
 * counts each project once per period, not once per worker. Replies that explain an empty claim always
 * count afresh.
 */
export class RecentCounts {
  private readonly entries = new Map<string, { at: number; counts: Promise<Counts> }>();

  constructor(private readonly maxAgeMs: number) {}

  get(project: string, load: () => Promise<Counts>): Promise<Counts> {
    const hit = this.entries.get(project);
    if (hit && Date.now() - hit.at < this.maxAgeMs) return hit.counts;
    const entry = { at: Date.now(), counts: load() };
    this.entries.set(project, entry);
    entry.counts.catch(() => {
      if (this.entries.get(project) === entry) this.entries.delete(project);
    });
    return entry.counts;
  }
}
