import type { Insertable, Updateable } from 'kysely';
import { deleteEdges, insertEdges, selectProjectEdges } from '../db/dependencies.js';
import { insertEvents, selectNotes, type NewEvent } from '../db/events.js';
import { ensureProject, selectProjectSettings } from '../db/projects.js';
import type { Db, TaskRow, TasksTable } from '../db/schema.js';
import { deleteTasks, insertTasks, recountUnmetDeps, selectAllTasks, updateTask } from '../db/tasks.js';
import { DomainError } from './errors.js';
import { findCycle } from './graph.js';
import type { TaskInput, WriteTaskListInput } from './inputs.js';
import { DEFAULT_PRIORITY, parsePriority, parseStatus, parseTime } from './status.js';

export type WriteTaskListResult = {
  project: string;
  mode: 'merge' | 'replace';
  created: number;
  updated: number;
  unchanged: number;
  removed: string[];
  total_tasks: number;
};

const KNOWN_FIELDS = new Set([
  'id', 'title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'dependencies',
  'estimated_complexity', 'estimate_tokens', 'max_attempts', 'status', 'started_at', 'completed_at', 'result', 'attempts', 'notes',
]);

type Prepared = {
  input: TaskInput;
  index: number;
  fields: Partial<Record<DescriptiveField, unknown>>;
  progress: Pick<Insertable<TasksTable>, 'status' | 'started_at' | 'completed_at' | 'result' | 'attempts' | 'status_updated_at'>;
  notes: Array<{ at: Date; note: string; agent: string | null }>;
  metadata: Record<string, unknown>;
};

const DESCRIPTIVE = ['title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'estimated_complexity', 'estimate_tokens', 'max_attempts'] as const;
type DescriptiveField = (typeof DESCRIPTIVE)[number];

/** Reads one input task; every problem found is pushed to problems with its path. */
function prepare(input: TaskInput, index: number, problems: string[], now: Date): Prepared {
  const at = (field: string) => `tasks[${index}] (${input.id}).${field}`;
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (err) {
      problems.push((err as Error).message);
      return fallback;
    }
  };
  const fields: Prepared['fields'] = {};
  for (const key of DESCRIPTIVE) if (input[key] !== undefined) fields[key] = input[key];
  if (input.priority !== undefined) fields.priority = attempt(() => parsePriority(input.priority!, at('priority')), DEFAULT_PRIORITY);
  const status = input.status ? attempt(() => parseStatus(input.status!, at('status')), 'pending') : 'pending';
  const time = (field: 'started_at' | 'completed_at') =>
    input[field] ? attempt(() => parseTime(input[field]!, at(field)), null) : null;
  const notes = (input.notes ?? []).map((n, i) => {
    const note = typeof n === 'string' ? { note: n } : n;
    return {
      at: note.timestamp ? attempt(() => parseTime(note.timestamp!, at(`notes[${i}].timestamp`)), now) : now,
      note: note.note,
      agent: note.agent ?? null,
    };
  });
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!KNOWN_FIELDS.has(key)) metadata[key] = value;
  return {
    input,
    index,
    fields,
    progress: {
      status,
      started_at: time('started_at'),
      completed_at: time('completed_at'),
      result: input.result ?? null,
      attempts: input.attempts ?? (status === 'pending' ? 0 : status === 'cancelled' ? 0 : 1),
      status_updated_at: status === 'pending' ? null : now,
    },
    notes,
    metadata,
  };
}

function changedFields(row: TaskRow, fields: Prepared['fields']): Updateable<TasksTable> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const current = row[key as DescriptiveField];
    const same = Array.isArray(value) ? JSON.stringify(value) === JSON.stringify(current) : value === current;
    if (!same) patch[key] = value;
  }
  return patch as Updateable<TasksTable>;
}

export async function writeTaskList(
  db: Db,
  projectId: string,
  input: Pick<WriteTaskListInput, 'tasks' | 'mode'>,
  actor: string | null,
  defaultMaxAttempts = 3,
): Promise<WriteTaskListResult> {
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
  const prepared = input.tasks.map((t, i) => prepare(t, i, problems, now));

  const existing = new Map((await selectAllTasks(db, projectId)).map((r) => [r.id, r]));
  const depsBefore = new Map<string, string[]>();
  for (const e of await selectProjectEdges(db, projectId)) {
    depsBefore.set(e.task_id, [...(depsBefore.get(e.task_id) ?? []), e.depends_on]);
  }
  const graph = new Map<string, string[]>();
  if (mode === 'merge') for (const id of existing.keys()) graph.set(id, depsBefore.get(id) ?? []);
  for (const p of prepared) {
    const keep = mode === 'merge' && p.input.dependencies === undefined;
    graph.set(p.input.id, keep ? (graph.get(p.input.id) ?? []) : [...new Set(p.input.dependencies ?? [])]);
  }
  for (const p of prepared) {
    for (const dep of p.input.dependencies ?? []) {
      if (dep === p.input.id) problems.push(`tasks[${p.index}] (${dep}).dependencies: a task cannot depend on itself`);
      else if (!graph.has(dep)) {
        problems.push(`tasks[${p.index}] (${p.input.id}).dependencies: "${dep}" names no task; add a task with that id or remove it`);
      }
    }
  }
  const cycle = problems.length === 0 ? findCycle(graph) : undefined;
  if (cycle) problems.push(`dependencies form a cycle: ${cycle.join(' → ')}; remove one of these dependencies`);
  if (problems.length > 0) {
    const code = cycle && problems.length === 1 ? 'dependency_cycle' : 'invalid_input';
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n… and ${problems.length - shown.length} more` : '';
    throw new DomainError(code, `write_task_list rejected, nothing was written (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${shown.join('\n')}${more}`, problems);
  }

  await ensureProject(db, projectId);
  const maxAttempts = (await selectProjectSettings(db, projectId)).max_attempts ?? defaultMaxAttempts;
  const listed = new Set(prepared.map((p) => p.input.id));
  const removed = mode === 'replace' ? [...existing.keys()].filter((id) => !listed.has(id)) : [];
  await deleteTasks(db, projectId, removed);

  const events: NewEvent[] = [];
  const fresh = prepared.filter((p) => !existing.has(p.input.id));
  await insertTasks(
    db,
    fresh.map((p) => ({
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
      used_tokens: null,
      assignee: null,
      branch: null,
      commit_sha: null,
      lease_expires_at: null,
      metadata: JSON.stringify(p.metadata),
      ...p.progress,
    })),
  );
  for (const p of fresh) {
    events.push({ project_id: projectId, task_id: p.input.id, actor, kind: 'created', to_status: p.progress.status });
  }

  let updated = 0;
  const existingNotes = await selectNotes(db, projectId, prepared.filter((p) => existing.has(p.input.id) && p.notes.length).map((p) => p.input.id));
  for (const p of prepared) {
    const row = existing.get(p.input.id);
    if (!row) continue;
    const patch = changedFields(row, p.fields);
    const before = depsBefore.get(row.id) ?? [];
    const depsAfter = graph.get(row.id)!;
    const depsChanged = before.length !== depsAfter.length || before.some((d) => !depsAfter.includes(d));
    if (Object.keys(patch).length === 0 && !depsChanged) continue;
    updated++;
    await updateTask(db, projectId, row.id, patch);
    if (depsChanged) {
      await deleteEdges(db, projectId, row.id, before.filter((d) => !depsAfter.includes(d)));
    }
    const data: Record<string, unknown> = { fields: Object.keys(patch) };
    if (depsChanged) data.dependencies = { from: before, to: depsAfter };
    events.push({ project_id: projectId, task_id: row.id, actor, kind: 'edited', data });
  }
  for (const p of prepared) {
    const known = new Set((existingNotes.get(p.input.id) ?? []).map((n) => `${n.at.toISOString()}|${n.note}`));
    for (const n of p.notes) {
      if (known.has(`${n.at.toISOString()}|${n.note}`)) continue;
      events.push({ project_id: projectId, task_id: p.input.id, actor: n.agent ?? actor, kind: 'note', note: n.note, at: n.at });
    }
  }
  await insertEdges(
    db,
    projectId,
    prepared.flatMap((p) => graph.get(p.input.id)!.map((dep) => ({ task_id: p.input.id, depends_on: dep }))),
  );
  await recountUnmetDeps(db, projectId, [...listed]);
  await insertEvents(db, events);

  return {
    project: projectId,
    mode,
    created: fresh.length,
    updated,
    unchanged: prepared.length - fresh.length - updated,
    removed,
    total_tasks: mode === 'replace' ? prepared.length : existing.size + fresh.length,
  };
}
