import { describeIssues, idProblem, LIMITS, stringProblem } from '../tasks/input-rules.js';
import { bySource } from '../tasks/skipped.js';
import { type TaskInput, taskInput } from '../tasks/inputs.js';
import { parsePriority, parseTime, statusOf } from '../tasks/status.js';
import type { ParsedTracker, Skipped, TrackerEvent, TrackerFormat } from './types.js';

/** Collects a parser's tasks with their lines, and every row or field it left out with the reason. */
export class TrackerBuilder {
  readonly tasks: TaskInput[] = [];
  /** The line each task came from, by id. */
  readonly lines = new Map<string, number>();
  /** The file each task came from, when the tracker is a folder of files. */
  readonly files: Record<string, string> = Object.create(null);
  readonly skipped: Skipped[] = [];
  readonly events: TrackerEvent[] = [];
  private readonly reverse: Array<{ from: string; to: string[]; line: number }> = [];

  constructor(readonly format: TrackerFormat) {}

  skip(line: number, reason: string): void {
    this.skipped.push({ line, reason });
  }

  /** Reports a problem of a task already added, at its line (and file). */
  skipTask(id: string, reason: string): void {
    this.skipped.push({ line: this.lines.get(id) ?? 1, reason, ...(this.files[id] ? { file: this.files[id] } : {}) });
  }

  has(id: string): boolean {
    return this.lines.has(id);
  }

  /** Adds a task that meets write_task_list's input rules; one that does not is skipped with the reasons. */
  add(task: TaskInput, line: number): void {
    const checked = taskInput.safeParse(task);
    if (!checked.success) {
      this.skip(line, `${String(task.id).slice(0, 40)}: ${describeIssues(checked.error.issues, 3, 'task')}; the task was left out`);
      return;
    }
    this.addValid(task, line);
  }

  /** Adds a task the caller has checked against write_task_list's input rules (taskInput). */
  addValid(task: TaskInput, line: number): void {
    if (this.has(task.id)) {
      this.skip(line, `${task.id}: the id repeats ${this.files[task.id] ?? `line ${this.lines.get(task.id)}`}; the first one was kept`);
      return;
    }
    this.lines.set(task.id, line);
    this.tasks.push(task);
  }

  /** Adds a task that passes write_task_list's input checks; one that does not is reported and left out. */
  addChecked(task: TaskInput, line: number): void {
    const parsed = taskInput.safeParse(task);
    if (parsed.success) return this.addValid(parsed.data, line);
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'task'}: ${i.message}`);
    this.skip(line, `${task.id}: ${problems.join('; ')}; the task was left out`);
  }

  /** `from` blocks each of `to`: recorded as dependencies of those tasks once every task is read. */
  addBlocks(from: string, to: string[], line: number): void {
    if (to.length) this.reverse.push({ from, to, line });
  }

  status(cell: string, line: number, id: string): string | undefined {
    // The code word is the last word: whatever comes before it (emoji, broken encodings of one) is decoration.
    const word = cell.match(/[A-Za-z][A-Za-z_-]*/g)?.pop();
    if (!cell.trim()) return undefined;
    const status = statusOf(cell) ?? (word ? statusOf(word) : undefined);
    if (status) return status;
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
    const byId = this.reverse.length ? new Map(this.tasks.map((t) => [t.id, t])) : new Map<string, TaskInput>();
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
      ...(Object.keys(this.files).length ? { files: this.files } : {}),
      skipped: this.skipped.sort(bySource),
      ...(events.length ? { events } : {}),
    };
  }
}

export const splitIds = (cell: string) => cell.split(/[\s,;]+/).map((s) => s.trim()).filter((s) => s && s !== '-' && s !== '—');
