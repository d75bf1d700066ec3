import { insertEvents, selectEvents, type NewEvent } from '../db/events.js';
import type { Db } from '../db/schema.js';
import { selectTaskCounts } from '../db/task-counts.js';
import { countTasksOf, selectExistingIds } from '../db/tasks.js';
import type { TaskInput } from './inputs.js';
import { statusOf } from './status.js';
import { bySource, type Skipped } from './skipped.js';
import { writeTaskList } from './write-task-list.js';

/** A parsed tracker file, as src/trackers makes it. */
export type ImportInput = {
  format: string;
  tasks: TaskInput[];
  lines: ReadonlyMap<string, number>;
  /** The file each task came from, by id, when the tracker is a folder of files. */
  files?: Record<string, string>;
  skipped: Skipped[];
  events?: Array<{ task_id: string; at: string; from_status?: string; to_status?: string; agent?: string; note?: string; line: number }>;
};

export type ImportResult = {
  project: string;
  format: string;
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  events_added: number;
  total_tasks: number;
  by_status: Record<string, number>;
  by_phase: Record<string, number>;
  skipped_count: number;
  skipped: Skipped[];
};

const SHOWN_SKIPS = 50;

/**
 * Brings a tracker file onto the board: a merge that takes the file's status fields (importing the
 * same file twice changes nothing), links to tasks that exist nowhere left out and reported, and the
 * change log added as events once. Runs inside the caller's transaction.
 */
export async function importTasks(db: Db, projectId: string, input: ImportInput, actor: string | null, dryRun: boolean): Promise<ImportResult> {
  const skipped = [...input.skipped];
  const inFile = new Set(input.tasks.map((t) => t.id));
  const outside = new Set<string>();
  for (const t of input.tasks) for (const d of t.dependencies ?? []) if (!inFile.has(d)) outside.add(d);
  for (const e of input.events ?? []) if (!inFile.has(e.task_id)) outside.add(e.task_id);
  const onBoard = new Set(await selectExistingIds(db, projectId, [...outside]));
  const known = (id: string) => inFile.has(id) || onBoard.has(id);
  const tasks = input.tasks.map((t) => {
    if (!t.dependencies?.length) return t;
    const missing = t.dependencies.filter((d) => !known(d));
    if (missing.length === 0) return t;
    const at = { line: input.lines.get(t.id) ?? 0, ...(input.files && Object.hasOwn(input.files, t.id) ? { file: input.files[t.id] } : {}) };
    for (const d of missing) skipped.push({ ...at, reason: `${t.id}.dependencies: "${d}" is no task in the file or on the board; that link was left out` });
    return { ...t, dependencies: t.dependencies.filter((d) => known(d)) };
  });

  const written = tasks.length
    ? await writeTaskList(db, projectId, { tasks, mode: 'merge' }, actor, { progress: 'take' })
    : { created: 0, updated: 0, unchanged: 0 };

  const events = (input.events ?? []).filter((e) => {
    if (known(e.task_id)) return true;
    skipped.push({ line: e.line, reason: `change log: "${e.task_id}" is no task in the file or on the board; the row was left out` });
    return false;
  });
  const key = (taskId: string, at: Date, to: string | null | undefined, note: string | null | undefined) => `${taskId}|${at.getTime()}|${to ?? ''}|${note ?? ''}`;
  const had = new Set((await selectEvents(db, projectId, [...new Set(events.map((e) => e.task_id))])).map((e) => key(e.task_id, e.at, e.to_status, e.note)));
  const fresh: NewEvent[] = [];
  for (const e of events) {
    const k = key(e.task_id, new Date(e.at), e.to_status, e.note);
    if (had.has(k)) continue;
    had.add(k);
    fresh.push({
      project_id: projectId, task_id: e.task_id, at: e.at, actor: e.agent ?? actor, kind: e.to_status ? 'status' : 'note',
      from_status: e.from_status ?? null, to_status: e.to_status ?? null, note: e.note ?? null, data: { source: 'import' },
    });
  }
  await insertEvents(db, fresh);

  const counted = await countFileTasks(db, projectId, input.tasks, inFile);
  const tally = (key: (r: (typeof counted)[number]) => string) => {
    const counts = new Map<string, number>();
    for (const r of counted) counts.set(key(r), (counts.get(key(r)) ?? 0) + r.n);
    return Object.fromEntries(counts); // a phase named `constructor` or `__proto__` is a key like any other
  };
  const by_status = tally((r) => r.status);
  const by_phase = tally((r) => r.phase ?? '(none)');
  skipped.sort(bySource);
  return {
    project: projectId,
    format: input.format,
    dry_run: dryRun,
    created: written.created,
    updated: written.updated,
    unchanged: written.unchanged,
    events_added: fresh.length,
    total_tasks: counted.reduce((n, r) => n + r.n, 0),
    by_status,
    by_phase,
    skipped_count: skipped.length,
    skipped: skipped.slice(0, SHOWN_SKIPS),
  };
}

/**
 * The file's tasks by status and phase, after the write. When they are all the project's tasks (the
 * write made every one of them exist, so equal numbers mean the same tasks), from the counts the
 * board keeps, each (status, phase) in the order the file first gives it, as the board's order
 * would have it; otherwise counted row by row.
 */
async function countFileTasks(db: Db, projectId: string, tasks: TaskInput[], inFile: Set<string>) {
  const whole = await selectTaskCounts(db, projectId);
  if (whole.reduce((n, r) => n + r.n, 0) !== inFile.size) return countTasksOf(db, projectId, [...inFile]);
  const key = (status: string | undefined, phase: string | null | undefined) => `${status}\u0000${phase ?? ''}`;
  const wanted = new Set(whole.map((r) => key(r.status, r.phase)));
  const first = new Map<string, number>();
  for (let i = 0; i < tasks.length && first.size < wanted.size; i++) {
    const k = key(tasks[i].status ? statusOf(tasks[i].status!) : 'pending', tasks[i].phase);
    if (wanted.has(k) && !first.has(k)) first.set(k, i);
  }
  const at = (r: (typeof whole)[number]) => first.get(key(r.status, r.phase)) ?? tasks.length;
  return whole.sort((a, b) => at(a) - at(b));
}
