import { describeIssues, idProblem, LIMITS, stringProblem } from '../tasks/input-rules.js';
import { type TaskInput, taskInput } from '../tasks/inputs.js';
import { parsePriority, parseStatus, parseTime } from '../tasks/status.js';
import type { ParsedTracker, TrackerEvent, TrackerFormat } from './types.js';

/** Collects a parser's tasks with their lines, and every row or field it left out with the reason. */
export class TrackerBuilder {
  readonly tasks: TaskInput[] = [];
  /** Null prototype: an id such as `constructor` or `__proto__` is a key like any other. */
  readonly lines: Record<string, number> = Object.create(null);
  readonly skipped: Array<{ line: number; reason: string }> = [];
  readonly events: TrackerEvent[] = [];
  private readonly reverse: Array<{ from: string; to: string[]; line: number }> = [];

  constructor(readonly format: TrackerFormat) {}

  skip(line: number, reason: string): void {
    this.skipped.push({ line, reason });
  }

  has(id: string): boolean {
    return Object.hasOwn(this.lines, id);
  }

  /** Adds a task that meets write_task_list's input rules; one that does not is skipped with the reasons. */
  add(task: TaskInput, line: number): void {
    const checked = taskInput.safeParse(task);
    if (!checked.success) {
      this.skip(line, `${String(task.id).slice(0, 40)}: ${describeIssues(checked.error.issues, 3, 'task')}; the task was left out`);
      return;
    }
    if (this.has(task.id)) {
      this.skip(line, `${task.id}: the id repeats line ${this.lines[task.id]}; the first one was kept`);
      return;
    }
    this.lines[task.id] = line;
    this.tasks.push(task);
  }

  /** `from` blocks each of `to`: recorded as dependencies of those tasks once every task is read. */
  addBlocks(from: string, to: string[], line: number): void {
    if (to.length) this.reverse.push({ from, to, line });
  }

  status(cell: string, line: number, id: string): string | undefined {
    // The code word is the last word: whatever comes before it (emoji, broken encodings of one) is decoration.
    const word = cell.match(/[A-Za-z][A-Za-z_-]*/g)?.pop();
    if (!cell.trim()) return undefined;
    try {
      if (word) return parseStatus(word);
    } catch {
      // reported below
    }
    this.skip(line, `${id}.status: "${cell}" has no known status word; the status was left as it is (pending for a new task)`);
    return undefined;
  }

  time(cell: string, line: number, field: string): string | null {
    if (!cell.trim()) return null;
    try {
      return parseTime(cell, field).toISOString();
    } catch {
      this.skip(line, `${field}: "${cell}" is not a date or ISO 8601 time; left empty`);
      return null;
    }
  }

  priority(cell: string, line: number, field: string): string | undefined {
    if (!cell.trim()) return undefined;
    try {
      parsePriority(cell, field);
      return cell.trim();
    } catch {
      this.skip(line, `${field}: "${cell}" is not a priority; the default was used`);
      return undefined;
    }
  }

  /** Token counts as trackers write them: 8000, 8K, 6.1K, 1.2M. */
  tokens(cell: string, line: number, field: string): number | undefined {
    const m = cell.trim().match(/^(\d+(?:\.\d+)?)\s*([kKmM])?$/);
    if (!cell.trim()) return undefined;
    if (!m) {
      this.skip(line, `${field}: "${cell}" is not a token count (such as 8000, 8K or 6.1K); left empty`);
      return undefined;
    }
    const unit = m[2]?.toLowerCase();
    return Math.round(Number(m[1]) * (unit === 'k' ? 1000 : unit === 'm' ? 1_000_000 : 1));
  }

  /** A change-log row's problem with the input rules (ids, the note's length), if any. */
  private eventProblem(e: TrackerEvent): string | undefined {
    const id = idProblem(e.task_id);
    if (id) return `task id ${id}`;
    const agent = e.agent === undefined ? undefined : idProblem(e.agent);
    if (agent) return `agent ${agent}`;
    return e.note === undefined ? undefined : stringProblem(e.note, LIMITS.note);
  }

  finish(): ParsedTracker {
    const events = this.events.filter((e) => {
      const problem = this.eventProblem(e);
      if (problem) this.skip(e.line, `change log: ${problem}; the row was left out`);
      return !problem;
    });
    const byId = new Map(this.tasks.map((t) => [t.id, t]));
    for (const { from, to, line } of this.reverse) {
      for (const id of to) {
        const task = byId.get(id);
        if (!task) {
          this.skip(line, `${from}.blocks: "${id}" is not a task in this file; that link was left out`);
          continue;
        }
        if (!(task.dependencies ?? []).includes(from)) task.dependencies = [...(task.dependencies ?? []), from];
      }
    }
    return {
      format: this.format,
      tasks: this.tasks,
      lines: this.lines,
      skipped: this.skipped.sort((a, b) => a.line - b.line),
      ...(events.length ? { events } : {}),
    };
  }
}

export const splitIds = (cell: string) => cell.split(/[\s,;]+/).map((s) => s.trim()).filter((s) => s && s !== '-' && s !== '—');
