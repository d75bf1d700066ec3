import type { Counts } from './counts.js';

/**
 * A project's counts, reused for up to maxAgeMs when a task is handed out: counting a 100k-task board
 * costs more than the claim itself. Replies that explain an empty claim always count afresh.
 */
export class RecentCounts {
  private readonly entries = new Map<string, { at: number; counts: Counts }>();

  constructor(private readonly maxAgeMs: number) {}

  async get(project: string, load: () => Promise<Counts>): Promise<Counts> {
    const hit = this.entries.get(project);
    if (hit && Date.now() - hit.at < this.maxAgeMs) return hit.counts;
    const counts = await load();
    this.entries.set(project, { at: Date.now(), counts });
    return counts;
  }
}
