import { describe, expect, it } from 'vitest';
import type { Counts } from '../src/tasks/counts.js';
import { RecentCounts } from '../src/tasks/recent-counts.js';

const counts = (total: number) => ({ total }) as Counts;

describe('RecentCounts', () => {
  it('counts once for callers that arrive while a count runs, and again after the period', async () => {
    const recent = new RecentCounts(50);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return counts(loads);
    };
    const answers = await Promise.all(Array.from({ length: 16 }, () => recent.get('p', load)));
    expect(loads).toBe(1);
    expect(answers.every((c) => c.total === 1)).toBe(true);
    expect((await recent.get('other', load)).total).toBe(2);
    await new Promise((r) => setTimeout(r, 60));
    expect((await recent.get('p', load)).total).toBe(3);
  });

  it('does not keep a failed count', async () => {
    const recent = new RecentCounts(60_000);
    await expect(recent.get('p', () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    expect((await recent.get('p', async () => counts(5))).total).toBe(5);
  });
});
