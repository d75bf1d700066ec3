import { parseTracker } from './parse-tracker.js';

/**
 * The commit message for a tracker that went from `before` to `after`: `status: T3 → completed` when
 * exactly one task changed status (or appeared), else `status: sync`.
 */
export function statusCommitMessage(before: string | undefined, after: string): string {
  const old = new Map((before ? parseTracker(before).tasks : []).map((t) => [t.id, t.status ?? 'pending']));
  const changes = parseTracker(after).tasks.filter((t) => old.get(t.id) !== (t.status ?? 'pending'));
  return changes.length === 1 ? `status: ${changes[0].id} → ${changes[0].status ?? 'pending'}` : 'status: sync';
}

/** Whether two tracker texts hold the same tasks and history (export times and layout aside). */
export function sameTracker(a: string, b: string): boolean {
  const essence = (text: string) => {
    const { tasks, events } = parseTracker(text);
    return JSON.stringify({ tasks, events: (events ?? []).map(({ line: _line, ...e }) => e) });
  };
  return essence(a) === essence(b);
}
