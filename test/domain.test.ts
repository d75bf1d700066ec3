import { describe, expect, it } from 'vitest';
import { findCycle } from '../src/tasks/graph.js';
import { parsePriority, parseStatus, parseTime } from '../src/tasks/status.js';

describe('status, priority and time parsing', () => {
  it.each([
    ['done', 'completed'], ['DONE', 'completed'], ['in-progress', 'in_progress'], ['not-started', 'pending'],
    ['todo', 'pending'], ['READY', 'pending'], ['running', 'in_progress'], ['assigned', 'in_progress'],
    ['deferred', 'cancelled'], ['In Review', 'review'], ['failed', 'failed'],
  ])('maps %s to %s', (input, expected) => expect(parseStatus(input)).toBe(expected));

  it('names the field and the valid values for an unknown status', () => {
    expect(() => parseStatus('nope', 'tasks[2].status')).toThrow(/^tasks\[2\]\.status: unknown status "nope"; use one of pending, in_progress/);
  });

  it('reads priorities as numbers or words', () => {
    expect([parsePriority('critical'), parsePriority('high'), parsePriority('medium'), parsePriority('low'), parsePriority(7), parsePriority('P2')]).toEqual([1, 2, 3, 4, 7, 2]);
    expect(() => parsePriority('soonish')).toThrow(/priority: "soonish" is not a priority/);
  });

  it('reads times without a zone as UTC', () => {
    expect(parseTime('2026-03-02T09:20:11', 'x').toISOString()).toBe('2026-03-02T09:20:11.000Z');
    expect(parseTime('2026-03-02T09:20:11+02:00', 'x').toISOString()).toBe('2026-03-02T07:20:11.000Z');
    expect(() => parseTime('yesterday', 'started_at')).toThrow(/started_at: "yesterday" is not an ISO 8601 time/);
  });
});

describe('dependency graphs', () => {
  it('finds a cycle as a closed path', () => {
    const g = new Map([['T1', []], ['T3', ['T5']], ['T5', ['T3']]]);
    expect(findCycle(g)).toEqual(['T3', 'T5', 'T3']);
    expect(findCycle(new Map([['A', ['B']], ['B', ['C']], ['C', []]]))).toBeUndefined();
  });

  it('handles a long chain without recursion limits', () => {
    const g = new Map(Array.from({ length: 50_000 }, (_, i) => [`T${i}`, i ? [`T${i - 1}`] : []] as [string, string[]]));
    expect(findCycle(g)).toBeUndefined();
    g.set('T0', ['T49999']);
    expect(findCycle(g)).toHaveLength(50_001);
  });
});
