import type { SnapshotTask } from '../tasks/snapshot.js';
import { jsonItems, type TrackerWriter } from './tracker-writer.js';

/** The board as a task-breakdown.json: `{project, generated_at, total_tasks, tasks}` with status fields and notes. */
export function taskBreakdownJsonWriter(): TrackerWriter {
  const items = jsonItems(2);
  return {
    start: (h) =>
      `{\n  "project": ${JSON.stringify(h.project)},\n  "generated_at": ${JSON.stringify(h.generated_at)},\n  "total_tasks": ${h.counts.total},\n  "tasks": [`,
    tasks: (batch) => batch.map((t) => items.item(breakdownTask(t))).join(''),
    tasksDone: () => `${items.close()}\n}\n`,
    events: () => '',
    end: () => '',
  };
}

function breakdownTask(t: SnapshotTask) {
  return {
    ...t.metadata,
    id: t.id,
    ...(t.title ? { title: t.title } : {}),
    description: t.description,
    ...(t.details ? { details: t.details } : {}),
    ...(t.phase ? { phase: t.phase } : {}),
    ...(t.module ? { module: t.module } : {}),
    ...(t.tags?.length ? { tags: t.tags } : {}),
    priority: t.priority,
    dependencies: t.dependencies,
    ...(t.estimated_complexity ? { estimated_complexity: t.estimated_complexity } : {}),
    ...(t.estimate_tokens !== undefined ? { estimate_tokens: t.estimate_tokens } : {}),
    status: t.status,
    started_at: t.started_at ?? null,
    completed_at: t.completed_at ?? null,
    result: t.result ?? null,
    attempts: t.attempts,
    assignee: t.assignee ?? null,
    branch: t.branch ?? null,
    commit_sha: t.commit_sha ?? null,
    used_tokens: t.used_tokens ?? null,
    notes: t.notes,
  };
}
