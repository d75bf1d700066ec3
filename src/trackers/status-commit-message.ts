import { parseTrackerBoards } from './parse-tracker.js';

/** Every board of a tracker text, as one (a Taskmaster export has one tag). */
const parseAll = (text: string) => {
  const boards = parseTrackerBoards(text);
  return { tasks: boards.flatMap((b) => b.tasks), events: boards.flatMap((b) => b.events ?? []) };
};

/**
 * The commit message for a tracker that went from `before` to `after`: `status: T3 → completed` when
 * exactly one task changed status (or appeared), else `status: sync`.
 */
export function statusCommitMessage(before: string | undefined, after: string): string {
  const old = new Map((before ? parseAll(before).tasks : []).map((t) => [t.id, t.status ?? 'pending']));
  const changes = parseAll(after).tasks.filter((t) => old.get(t.id) !== (t.status ?? 'pending'));
  return changes.length === 1 ? `status: ${changes[0].id} → ${changes[0].status ?? 'pending'}` : 'status: sync';
}

/** Whether two tracker texts hold the same tasks and history (export times and layout aside). */
export function sameTracker(a: string, b: string): boolean {
  const essence = (text: string) => {
    const { tasks, events } = parseAll(text);
    return JSON.stringify({ tasks, events: events.map(({ line: _line, ...e }) => e) });
  };
  return essence(a) === essence(b);
}
