import type { Snapshot } from '../tasks/snapshot.js';

/** The board as a task-breakdown.json: `{generated_at, total_tasks, tasks}` with status fields and notes. */
export function exportTaskBreakdownJson(snapshot: Snapshot): string {
  const tasks = snapshot.tasks.map((t) => ({
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
  }));
  return `${JSON.stringify({ project: snapshot.project, generated_at: snapshot.generated_at, total_tasks: tasks.length, tasks }, null, 2)}\n`;
}
