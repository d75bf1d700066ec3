import type { Updateable } from 'kysely';
import { deleteEdges, insertEdges, selectLinks } from '../db/dependencies.js';
import { insertEvents } from '../db/events.js';
import type { Db, TasksTable } from '../db/schema.js';
import { recountUnmetDeps, selectExistingIds, selectTask, updateTask as updateTaskRow } from '../db/tasks.js';
import { DomainError, invalid, taskNotFound } from './errors.js';
import { findNewCycle, showCycle } from './cycle-check.js';
import type { UpdateTaskInput } from './inputs.js';
import { parsePriority } from './status.js';
import { taskView, type TaskView } from './task-view.js';

export type UpdateTaskResult = { project: string; task: TaskView; changed: string[]; message: string };

const EDITABLE = ['title', 'description', 'details', 'priority', 'tags', 'phase', 'module', 'estimated_complexity', 'estimate_tokens', 'max_attempts'] as const;

export async function updateTask(db: Db, projectId: string, input: Omit<UpdateTaskInput, 'project'>, actor: string | null): Promise<UpdateTaskResult> {
  const row = await selectTask(db, projectId, input.task_id, true);
  if (!row) throw taskNotFound(input.task_id, projectId);
  if (input.expected_version !== undefined && input.expected_version !== row.version) {
    throw new DomainError('conflict', `expected_version: ${row.id} is at version ${row.version}, not ${input.expected_version}; read it again and reapply your edit`);
  }
  const patch: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  for (const key of EDITABLE) {
    let value: unknown = input[key];
    if (value === undefined) continue;
    if (key === 'priority') value = parsePriority(value as string | number);
    const same = Array.isArray(value) ? JSON.stringify(value) === JSON.stringify(row[key]) : value === row[key];
    if (same) continue;
    patch[key] = value;
    before[key] = row[key];
  }

  const { dependencies } = await selectLinks(db, projectId, [row.id]);
  const depsBefore = dependencies.get(row.id) ?? [];
  let depsChanged = false;
  if (input.dependencies) {
    const depsAfter = [...new Set(input.dependencies)];
    depsChanged = depsAfter.length !== depsBefore.length || depsAfter.some((d) => !depsBefore.includes(d));
    if (depsChanged) {
      if (depsAfter.includes(row.id)) throw invalid('dependencies', `${row.id} cannot depend on itself`);
      const known = new Set(await selectExistingIds(db, projectId, depsAfter));
      const unknown = depsAfter.filter((d) => !known.has(d));
      if (unknown.length) throw invalid('dependencies', `${unknown.map((d) => `"${d}"`).join(', ')} names no task in project "${projectId}"; add it first or remove it`);
      await deleteEdges(db, projectId, depsBefore.filter((d) => !depsAfter.includes(d)).map((d) => ({ task_id: row.id, depends_on: d })));
      const added = depsAfter.filter((d) => !depsBefore.includes(d));
      await insertEdges(db, projectId, added.map((d) => ({ task_id: row.id, depends_on: d })));
      if (added.length) {
        // A new cycle runs through this task: look only at the tasks that depend on it (the write rolls back).
        const cycle = await findNewCycle(db, projectId, [row.id]);
        if (cycle) throw new DomainError('dependency_cycle', `dependencies: this edit makes a cycle ${showCycle(cycle)}; remove one of these dependencies`);
      }
      await recountUnmetDeps(db, projectId, [row.id]);
      before.dependencies = depsBefore;
      patch.dependencies = depsAfter;
    }
  }

  const changed = Object.keys(patch);
  const { dependencies: _deps, ...columns } = patch;
  const updated = changed.length > 0 ? await updateTaskRow(db, projectId, row.id, columns as Updateable<TasksTable>) : row;
  if (changed.length > 0) {
    await insertEvents(db, [{ project_id: projectId, task_id: row.id, actor, kind: 'edited', data: { from: before, to: patch } }]);
  }
  const links = await selectLinks(db, projectId, [row.id]);
  const task = taskView(updated, { dependencies: links.dependencies.get(row.id) ?? [], blocks: links.blocks.get(row.id) ?? [] });
  const message = changed.length ? `${row.id}: changed ${changed.join(', ')}` : `${row.id}: nothing to change`;
  return { project: projectId, task, changed, message };
}
