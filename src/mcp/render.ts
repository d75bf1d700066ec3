import type { BreakdownResult } from '../tasks/breakdown.js';
import type { RecordedLesson, SearchResult } from '../lessons/lesson-book.js';
import type { Counts } from '../tasks/counts.js';
import type { NextTaskResult } from '../tasks/next-task.js';
import type { TaskView } from '../tasks/task-view.js';
import type { WriteTaskListResult } from '../tasks/write-task-list.js';

// Compact text for agents that read the text block: a summary, never a second copy of the JSON.

export function renderCounts(c: Counts): string {
  return `board: ${c.total} tasks, ${c.ready} ready, ${c.pending} pending, ${c.in_progress} in progress, ${c.review} review, ${c.completed} completed, ${c.failed} failed, ${c.blocked} blocked, ${c.cancelled} cancelled`;
}

function taskLine(t: TaskView): string {
  const parts = [t.id, t.status, `P${t.priority}`];
  if (t.assignee) parts.push(`@${t.assignee}`);
  if (t.attempts) parts.push(`a${t.attempts}`);
  if (t.dependencies.length) parts.push(`deps:${t.dependencies.join(',')}`);
  const label = t.title ?? t.description;
  return `${parts.join(' ')} ${label.length > 60 ? `${label.slice(0, 59)}…` : label}`;
}

export function renderTask(t: TaskView): string {
  const lines = [`${t.id} [${t.status}, P${t.priority}${t.phase ? `, ${t.phase}` : ''}${t.module ? `, ${t.module}` : ''}]${t.title ? ` ${t.title}` : ''}`, t.description];
  if (t.details) lines.push(`details: ${t.details}`);
  if (t.dependencies.length) lines.push(`depends on: ${t.dependencies.join(', ')}`);
  if (t.blocks.length) lines.push(`blocks: ${t.blocks.join(', ')}`);
  if (t.result) lines.push(`result: ${t.result}`);
  if (t.lease_expires_at) lines.push(`lease until ${t.lease_expires_at}`);
  return lines.join('\n');
}

/** The counts that are not zero. */
function renderCountsBrief(c: Counts): string {
  const parts = Object.entries(c).filter(([k, n]) => k !== 'total' && n > 0).map(([k, n]) => `${n} ${k.replace('_', ' ')}`);
  return `board: ${c.total} tasks${parts.length ? `, ${parts.join(', ')}` : ''}`;
}

/** A handed-out task for text readers: the gist; details and lesson bodies stay in structuredContent. */
function renderTaskBrief(t: TaskView, project: string): string {
  const full = { ...t, description: clip(t.description, 200), details: undefined };
  const more = t.details || t.description.length > 200 ? [`full task: tasklane://${project}/tasks/${t.id}`] : [];
  return [renderTask(full), ...more].join('\n');
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function renderNextTask(r: NextTaskResult): string {
  if (r.task) {
    const lessons = r.lessons?.length ? [`lessons: ${r.lessons.map((l) => `${l.id} ${clip(l.title, 50)}`).join('; ')}`] : [];
    return [r.message, renderTaskBrief(r.task, r.project), ...lessons, renderCountsBrief(r.counts)].join('\n');
  }
  const lines = [`no task (${r.reason}): ${r.message}`];
  if (r.waiting_on?.length) lines.push(`held: ${r.waiting_on.map((h) => `${h.id}${h.assignee ? ` @${h.assignee}` : ''}`).join(', ')}`);
  for (const chain of r.blocked_chains ?? []) lines.push(`blocked: ${chain}`);
  lines.push(renderCounts(r.counts));
  return lines.join('\n');
}

export function renderWrite(r: WriteTaskListResult): string {
  const removed = r.removed.length ? `removed ${r.removed.length} (${r.removed.slice(0, 20).join(', ')}${r.removed.length > 20 ? ', …' : ''})` : 'removed none';
  return `project ${r.project} (${r.mode}): ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${removed}; ${r.total_tasks} tasks in all`;
}

export function renderBreakdown(r: BreakdownResult): string {
  const head =
    `project ${r.project}: ${r.total_tasks} tasks, ${r.progress_percent}% done — ready ${r.ready_count}, pending ${r.pending_count}, ` +
    `in_progress ${r.in_progress_count}, review ${r.review_count}, completed ${r.completed_count}, failed ${r.failed_count}, ` +
    `blocked ${r.blocked_count}, cancelled ${r.cancelled_count}`;
  const more = r.next_offset !== undefined ? [`more: offset ${r.next_offset}`] : [];
  return [head, ...r.tasks.map(taskLine), ...more, ...(r.message ? [r.message] : [])].join('\n');
}

export function renderRecordedLesson(r: RecordedLesson): string {
  return `lesson ${r.id} recorded (${r.scope}): ${r.title}; embedding ${r.embedding}`;
}

export function renderLessonSearch(r: SearchResult): string {
  const head = `${r.lessons.length} lesson(s), ${r.mode}${r.lexical_reason ? ` (${r.lexical_reason})` : ''}`;
  return [head, ...r.lessons.map((l) => `#${l.id} [${l.score}, ${l.matched_by}] ${l.title}\n${l.body}`)].join('\n');
}
