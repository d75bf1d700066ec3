import { isDeepStrictEqual } from 'node:util';
import type { Insertable, Updateable } from 'kysely';
import { deleteEdges, type Edge, insertEdges, selectDependentIds, selectEdgesOf } from '../db/dependencies.js';
import { selectChangedTaskIds, updateTaskRows } from '../db/bulk.js';
import { insertEvents, selectNotes, type NewEvent } from '../db/events.js';
import { ensureProject, selectProjectSettings } from '../db/projects.js';
import type { Db, TasksTable } from '../db/schema.js';
import { countByStatus, deleteTasks, insertTasks, recountUnmetDeps, selectIdsOutside, selectWriteStates, selectWrittenColumns, type WrittenColumns } from '../db/tasks.js';
import { selectTaskTotal } from '../db/task-counts.js';
import { DomainError } from './errors.js';
import { LIMITS } from './input-rules.js';
import { findNewCycle, showCycle } from './cycle-check.js';
import { findCycle } from './graph.js';
import type { TaskInput, WriteTaskListInput } from './inputs.js';
import { writtenDigest } from './written-digest.js';
import { DEFAULT_PRIORITY, isPriorityNumber, parsePriority, parseStatus, parseTime, statusOf } from './status.js';

export type WriteTaskListResult = {
  project: string;
  mode: 'merge' | 'replace';
  created: number;
  updated: number;
  unchanged: number;
  removed: string[];
  total_tasks: number;
};

/**
 * What a write does to the status fields of tasks that already exist: `keep` (write_task_list) leaves
 * progress alone; `take` (tracker import) sets the status fields the input gives, so that importing a
 * tracker file makes the board match it and importing it again changes nothing.
 */
export type WriteOptions = { progress?: 'keep' | 'take'; defaultMaxAttempts?: number };

const PROGRESS_FIELDS = ['status', 'started_at', 'completed_at', 'result', 'attempts', 'assignee', 'branch', 'commit_sha', 'used_tokens'] as const;
type ProgressField = (typeof PROGRESS_FIELDS)[number];
const NO_PROGRESS_GIVEN: ProgressField[] = [];

const KNOWN_FIELDS = new Set<string>([
  'id', 'title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'dependencies',
  'estimated_complexity', 'estimate_tokens', 'max_attempts', 'notes', ...PROGRESS_FIELDS,
]);

type Progress = Pick<Insertable<TasksTable>, ProgressField | 'status_updated_at'>;

type Prepared = {
  input: TaskInput;
  index: number;
  fields: Partial<Record<DescriptiveField, unknown>>;
  progress: Progress;
  /** The dependencies the input gives, each once (none when it gives none). */
  dependencies: readonly string[];
  /** The progress fields the input names (a null counts: it clears the field). */
  givenProgress: ProgressField[];
  notes: Array<{ at: Date; note: string; agent: string | null; timed: boolean }>;
  metadata: Record<string, unknown>;
};

const DESCRIPTIVE = ['title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'estimated_complexity', 'estimate_tokens', 'max_attempts'] as const;
type DescriptiveField = (typeof DESCRIPTIVE)[number];

const NO_NOTES: Prepared['notes'] = [];
const NO_METADATA: Record<string, unknown> = Object.freeze(Object.create(null));
/** A field of the input task at `index`, as a problem names it. */
const inputField = (index: number, input: TaskInput, field: string) => `tasks[${index}] (${input.id}).${field}`;

/** A value read by `read`, which throws a message for a value it refuses: that message goes to problems, and `fallback` stands in. */
function readOr<T>(problems: string[], read: () => T, fallback: T): T {
  try {
    return read();
  } catch (err) {
    problems.push((err as Error).message);
    return fallback;
  }
}

function readTime(problems: string[], index: number, input: TaskInput, value: string | null | undefined, field: string): Date | null {
  return value ? readOr(problems, () => parseTime(value, inputField(index, input, field)), null) : null;
}

function trackerField(problems: string[], index: number, input: TaskInput, key: 'assignee' | 'branch' | 'commit_sha', max: number): string | null {
  const value = input[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.length <= max) return value || null;
  problems.push(`${inputField(index, input, key)}: expected a string of at most ${max} characters`);
  return null;
}

/**
 * Reads one input task; every problem found is pushed to problems with its path. It runs once per task of
 * an import of 100,000, whose objects all live until the write ends: the common values allocate nothing
 * beyond the task's own fields and progress (field names are spelled out, and closures made, only to
 * parse a value or report a problem).
 */
function prepare(input: TaskInput, index: number, problems: string[], now: Date): Prepared {
  const fields: Prepared['fields'] = {};
  for (const key of DESCRIPTIVE) if (input[key] !== undefined) fields[key] = input[key];
  const priority = input.priority;
  if (priority !== undefined && !isPriorityNumber(priority)) {
    fields.priority = readOr(problems, () => parsePriority(priority, inputField(index, input, 'priority')), DEFAULT_PRIORITY);
  }
  const given = input.status;
  const status = given ? (statusOf(given) ?? readOr(problems, () => parseStatus(given, inputField(index, input, 'status')), 'pending')) : 'pending';
  const notes = input.notes?.length
    ? input.notes.map((n, i) => {
        const note = typeof n === 'string' ? { note: n } : n;
        return {
          at: readTime(problems, index, input, note.timestamp, `notes[${i}].timestamp`) ?? now,
          note: note.note,
          agent: note.agent ?? null,
          timed: Boolean(note.timestamp),
        };
      })
    : NO_NOTES;
  const used = input.used_tokens;
  const usedOk = used === undefined || used === null || (Number.isInteger(used) && (used as number) >= 0 && (used as number) <= 1_000_000_000);
  if (!usedOk) problems.push(`${inputField(index, input, 'used_tokens')}: expected an integer from 0 to 1000000000`);
  // Without a prototype, a key `__proto__` is a key like any other (assigned to a plain object, it would replace the prototype).
  let metadata = NO_METADATA;
  for (const key in input) {
    if (!Object.hasOwn(input, key) || KNOWN_FIELDS.has(key)) continue;
    if (metadata === NO_METADATA) metadata = Object.create(null) as Record<string, unknown>;
    metadata[key] = input[key];
  }
  let givenProgress = NO_PROGRESS_GIVEN;
  for (const key of PROGRESS_FIELDS) if (input[key] !== undefined) givenProgress = givenProgress === NO_PROGRESS_GIVEN ? [key] : [...givenProgress, key];
  return {
    input,
    index,
    fields,
    progress: {
      status,
      started_at: readTime(problems, index, input, input.started_at, 'started_at'),
      completed_at: readTime(problems, index, input, input.completed_at, 'completed_at'),
      result: input.result ?? null,
      attempts: input.attempts ?? (status === 'pending' ? 0 : status === 'cancelled' ? 0 : 1),
      status_updated_at: status === 'pending' ? null : now,
      // Status fields a tracker carries besides the documented ones; stored in their columns, not metadata.
      assignee: trackerField(problems, index, input, 'assignee', LIMITS.id),
      branch: trackerField(problems, index, input, 'branch', LIMITS.label),
      commit_sha: trackerField(problems, index, input, 'commit_sha', LIMITS.commitSha),
      used_tokens: usedOk && used !== undefined ? (used as number | null) : null,
    },
    dependencies: input.dependencies && input.dependencies.length > 1 ? [...new Set(input.dependencies)] : (input.dependencies ?? []),
    givenProgress,
    notes,
    metadata,
  };
}

function changedFields(row: WrittenColumns, fields: Prepared['fields']): Updateable<TasksTable> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const current = row[key as DescriptiveField];
    const same = Array.isArray(value) ? JSON.stringify(value) === JSON.stringify(current) : value === current;
    if (!same) patch[key] = value;
  }
  return patch as Updateable<TasksTable>;
}

/** The task's metadata with the write's extra fields merged in, key by key, when any of them differs. */
function changedMetadata(current: Record<string, unknown>, given: Record<string, unknown>): { metadata?: string } {
  for (const key in given) {
    if (!Object.hasOwn(current, key) || !isDeepStrictEqual(current[key], given[key])) return { metadata: JSON.stringify({ ...current, ...given }) };
  }
  return {};
}

const timeOf = (v: unknown) => (v == null ? null : new Date(v as Date | string).getTime());
const sameValue = (a: unknown, b: unknown) => (a instanceof Date || b instanceof Date ? timeOf(a) === timeOf(b) : a === b);

/** The status fields the input gives that differ from the row (progress: 'take'). */
function takenProgress(row: WrittenColumns, p: Prepared, now: Date): Updateable<TasksTable> {
  const patch: Record<string, unknown> = {};
  for (const key of p.givenProgress) {
    const value = p.progress[key];
    if (!sameValue(value, row[key])) patch[key] = value;
  }
  if (patch.status !== undefined) {
    patch.status_updated_at = now;
    if (patch.status !== 'in_progress') patch.lease_expires_at = null;
  }
  return patch as Updateable<TasksTable>;
}

/** `items` mapped as they are read. */
function* lazily<T, R>(items: readonly T[], map: (item: T) => R): Generator<R> {
  for (const item of items) yield map(item);
}

/** How many of a task's dependencies are left not completed. */
function countUnmet(dependencies: readonly string[], statusAfter: (id: string) => string | undefined): number {
  let n = 0;
  for (const d of dependencies) if (statusAfter(d) !== 'completed') n++;
  return n;
}

const cycleProblem = (cycle: string[]) => `dependencies form a cycle: ${showCycle(cycle)}; remove one of these dependencies`;

/** The error of a refused write: every problem found, the first 20 shown (the transaction rolls back). */
function rejected(problems: string[], cycle: boolean): DomainError {
  const code = cycle && problems.length === 1 ? 'dependency_cycle' : 'invalid_input';
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? `\n… and ${problems.length - shown.length} more` : '';
  return new DomainError(code, `write_task_list rejected, nothing was written (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${shown.join('\n')}${more}`, problems);
}

export async function writeTaskList(
  db: Db,
  projectId: string,
  input: Pick<WriteTaskListInput, 'tasks' | 'mode'>,
  actor: string | null,
  options: WriteOptions = {},
): Promise<WriteTaskListResult> {
  const takeProgress = options.progress === 'take';
  const mode = input.mode ?? 'merge';
  const now = new Date();
  const problems: string[] = [];
  if (mode === 'replace' && input.tasks.length === 0) {
    throw new DomainError('invalid_input', 'tasks: an empty list with mode "replace" would remove every task; pass the tasks to keep');
  }

  const seen = new Map<string, number>();
  input.tasks.forEach((t, i) => {
    if (seen.has(t.id)) problems.push(`tasks[${i}].id: "${t.id}" repeats tasks[${seen.get(t.id)}]; ids must be unique`);
    else seen.set(t.id, i);
  });
  // Only the listed tasks are read, and of those on the board only the ones this write changes (found in
  // SQL): a write costs what it writes, whatever the board's size.
  const listedIds = input.tasks.map((t) => t.id);
  // In a merge, a dependency may name a task of the board that the list leaves out.
  const outsideIds = new Set<string>();
  if (mode === 'merge') for (const t of input.tasks) for (const d of t.dependencies ?? []) if (!seen.has(d)) outsideIds.add(d);
  const outside = [...outsideIds];
  // The statuses are read while the tasks are prepared: for a long list the query is sent first (one turn
  // of the event loop puts it on the wire), so that a server reads them while this process works through it.
  // A long list reads the whole project instead when that holds at most twice as many tasks (an import
  // again, a list rewritten whole): cheaper than one index probe an id, and still bounded by the list.
  const long = input.tasks.length >= 1000;
  const lookedUp = [...listedIds, ...outside];
  const wholeProject = long && (await selectTaskTotal(db, projectId)) <= 2 * lookedUp.length;
  const statesRead = selectWriteStates(db, projectId, lookedUp, wholeProject);
  statesRead.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
  if (long) await new Promise<void>((resolve) => setImmediate(resolve));
  const prepared = input.tasks.map((t, i) => prepare(t, i, problems, now));
  const { statuses: statusBefore, digests } = await statesRead;
  const keepsLinks = (p: Prepared) => mode === 'merge' && p.input.dependencies === undefined;
  /** The columns this write gives a task, as it compares them with the task's row. */
  const compared = (p: Prepared) => {
    const columns: Record<string, unknown> = { ...p.fields };
    if (takeProgress) for (const k of p.givenProgress) columns[k] = p.progress[k];
    if (p.metadata !== NO_METADATA) columns.metadata = p.metadata;
    return columns;
  };
  const digestAt: string[] = [];
  const digestOf = (p: Prepared) => (digestAt[p.index] ??= writtenDigest(compared(p)));
  const onBoard = prepared.filter((p) => statusBefore.has(p.input.id));
  // (A list already refused is not compared: its values may not even be of their columns' types.) A task
  // whose written digest matches is not compared column by column; its links still are, when given.
  const changedIds = problems.length ? [] : await selectChangedTaskIds(db, projectId, (function* () {
    for (const p of onBoard) {
      const stored = digests.get(p.input.id);
      const same = stored !== undefined && stored === digestOf(p);
      if (same && keepsLinks(p)) continue;
      const row: { id: string } & Record<string, unknown> = same ? { id: p.input.id } : { id: p.input.id, ...compared(p) };
      if (!keepsLinks(p)) row.dependencies = p.dependencies;
      yield row;
    }
  })());
  /** The tasks of the board this write changes, as they were. */
  const existing = new Map((await selectWrittenColumns(db, projectId, changedIds)).map((r) => [r.id, r]));
  const depsBefore = new Map<string, string[]>();
  for (const e of await selectEdgesOf(db, projectId, changedIds)) {
    const deps = depsBefore.get(e.task_id);
    if (deps) deps.push(e.depends_on);
    else depsBefore.set(e.task_id, [e.depends_on]);
  }
  // The dependencies after the write (an unchanged task's that it keeps are not read: they do not change).
  const graph = new Map<string, readonly string[]>();
  for (const p of prepared) graph.set(p.input.id, keepsLinks(p) ? (depsBefore.get(p.input.id) ?? []) : p.dependencies);
  for (const p of prepared) {
    for (const dep of p.input.dependencies ?? []) {
      if (dep === p.input.id) problems.push(`tasks[${p.index}] (${dep}).dependencies: a task cannot depend on itself`);
      else if (!seen.has(dep) && !statusBefore.has(dep)) {
        problems.push(`tasks[${p.index}] (${p.input.id}).dependencies: "${dep}" names no task; add a task with that id or remove it`);
      }
    }
  }
  const fresh = prepared.filter((p) => !statusBefore.has(p.input.id));
  /** The dependencies a task gains. */
  const added = (id: string) => {
    const before = depsBefore.get(id);
    if (!before) return graph.get(id)!;
    const had = new Set(before);
    return graph.get(id)!.filter((d) => !had.has(d));
  };
  const written = prepared.filter((p) => !statusBefore.has(p.input.id) || existing.has(p.input.id));
  // Tasks whose dependencies this write changes: every new cycle passes through one of them.
  const rewired = written.map((p) => p.input.id).filter((id) => added(id).length > 0);
  // New tasks have no dependents on the board, so when only they gain edges a cycle lies within the list.
  const inListOnly = rewired.every((id) => !statusBefore.has(id));
  const cycle = problems.length === 0 && rewired.length > 0 && inListOnly ? findCycle(graph) : undefined;
  if (cycle) problems.push(cycleProblem(cycle));
  if (problems.length > 0) throw rejected(problems, Boolean(cycle));

  await ensureProject(db, projectId);
  const maxAttempts = (await selectProjectSettings(db, projectId)).max_attempts ?? options.defaultMaxAttempts ?? 3;
  const removed = mode === 'replace' ? await selectIdsOutside(db, projectId, listedIds) : [];
  await deleteTasks(db, projectId, removed);

  const events: NewEvent[] = [];
  // New tasks are written with their unmet_deps, counted from the statuses this write leaves.
  const statusAfter = (id: string) => {
    const p = prepared[seen.get(id) ?? -1];
    const taken = p && (!statusBefore.has(id) || (takeProgress && p.givenProgress.includes('status')));
    return taken ? p.progress.status : statusBefore.get(id);
  };
  // Rows are built as the statements take them, each statement's while the one before runs (insertRows).
  await insertTasks(
    db,
    lazily(fresh, (p) => ({
      project_id: projectId,
      id: p.input.id,
      description: p.input.description,
      title: p.input.title ?? null,
      details: p.input.details ?? null,
      module: p.input.module ?? null,
      phase: p.input.phase ?? null,
      tags: p.input.tags ?? [],
      priority: (p.fields.priority as number | undefined) ?? DEFAULT_PRIORITY,
      estimated_complexity: p.input.estimated_complexity ?? null,
      estimate_tokens: p.input.estimate_tokens ?? null,
      max_attempts: p.input.max_attempts ?? maxAttempts,
      lease_expires_at: null,
      metadata: JSON.stringify(p.metadata),
      ...p.progress,
      unmet_deps: countUnmet(graph.get(p.input.id)!, statusAfter),
      version: 1,
      written_digest: digestOf(p),
      written_version: 1,
    })),
  );
  for (const p of fresh) {
    events.push({ project_id: projectId, task_id: p.input.id, actor, kind: 'created', to_status: p.progress.status });
  }

  let updated = 0;
  const statusChanged: string[] = [];
  // The tasks whose unmet_deps may be off: those whose dependencies changed, and (below) dependents of a status change.
  const rewiredExisting: string[] = [];
  const patches: Array<{ id: string } & Record<string, unknown>> = [];
  const edgesGone: Edge[] = [];
  const existingNotes = await selectNotes(db, projectId, onBoard.filter((p) => p.notes.length).map((p) => p.input.id));
  for (const p of prepared) {
    const row = existing.get(p.input.id);
    if (!row) continue;
    const progress = takeProgress ? takenProgress(row, p, now) : {};
    const patch = { ...changedFields(row, p.fields), ...changedMetadata(row.metadata, p.metadata), ...progress };
    const before = depsBefore.get(row.id) ?? [];
    const depsAfter = graph.get(row.id)!;
    const after = new Set(depsAfter);
    const depsChanged = before.length !== depsAfter.length || before.some((d) => !after.has(d));
    if (Object.keys(patch).length === 0 && !depsChanged) continue;
    updated++;
    patches.push({ ...patch, id: row.id, written_digest: digestOf(p), written_version: row.version + 1 });
    if (depsChanged) {
      rewiredExisting.push(row.id);
      for (const d of before) if (!after.has(d)) edgesGone.push({ task_id: row.id, depends_on: d });
    }
    const data: Record<string, unknown> = { fields: Object.keys(patch) };
    if (depsChanged) data.dependencies = { from: before, to: depsAfter };
    if (progress.status !== undefined) {
      statusChanged.push(row.id);
      events.push({ project_id: projectId, task_id: row.id, actor, kind: 'status', from_status: row.status, to_status: progress.status, data });
    } else {
      events.push({ project_id: projectId, task_id: row.id, actor, kind: 'edited', data });
    }
  }
  for (const p of prepared) {
    if (p.notes.length === 0) continue;
    const had = existingNotes.get(p.input.id) ?? [];
    const known = new Set(had.map((n) => `${n.at.toISOString()}|${n.note}`));
    // A note given without a time is known when its text is: writing the same list twice adds nothing.
    const knownText = new Set(had.map((n) => n.note));
    for (const n of p.notes) {
      if (n.timed ? known.has(`${n.at.toISOString()}|${n.note}`) : knownText.has(n.note)) continue;
      events.push({ project_id: projectId, task_id: p.input.id, actor: n.agent ?? actor, kind: 'note', note: n.note, at: n.at });
    }
  }
  await updateTaskRows(db, projectId, patches);
  await deleteEdges(db, projectId, edgesGone);
  await insertEdges(db, projectId, (function* () {
    for (const p of written) for (const dep of added(p.input.id)) yield { task_id: p.input.id, depends_on: dep };
  })());
  if (!inListOnly) {
    // The edges are written: look for a cycle in the part of the board above the rewired tasks only.
    const found = await findNewCycle(db, projectId, rewired);
    if (found) throw rejected([cycleProblem(found)], true);
  }
  const dependents = statusChanged.length ? await selectDependentIds(db, projectId, statusChanged) : [];
  await recountUnmetDeps(db, projectId, [...new Set([...rewiredExisting, ...dependents])]);
  await insertEvents(db, events);
  const total = mode === 'replace' ? prepared.length : (await countByStatus(db, projectId)).total;

  return {
    project: projectId,
    mode,
    created: fresh.length,
    updated,
    unchanged: prepared.length - fresh.length - updated,
    removed,
    total_tasks: total,
  };
}
