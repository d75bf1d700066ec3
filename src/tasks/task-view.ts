import type { ViewedTaskRow } from '../db/schema.js';
import type { NoteRow } from '../db/events.js';
import { cutText } from './input-rules.js';

export type Note = { timestamp: string; note: string; agent?: string };

/** A task as tools return it: snake_case, ISO times, null fields left out. */
export type TaskView = {
  id: string;
  title?: string;
  description: string;
  details?: string;
  module?: string;
  phase?: string;
  tags?: string[];
  priority: number;
  estimated_complexity?: string;
  estimate_tokens?: number;
  used_tokens?: number;
  status: string;
  ready?: boolean;
  assignee?: string;
  branch?: string;
  commit_sha?: string;
  result?: string;
  attempts: number;
  max_attempts?: number;
  started_at?: string;
  completed_at?: string;
  status_updated_at?: string;
  lease_expires_at?: string;
  dependencies: string[];
  blocks: string[];
  version?: number;
  notes?: Note[];
};

export const iso = (value: Date | string | null | undefined): string | undefined =>
  value == null ? undefined : new Date(value).toISOString();

export function noteView(n: NoteRow): Note {
  return n.actor ? { timestamp: iso(n.at)!, note: n.note, agent: n.actor } : { timestamp: iso(n.at)!, note: n.note };
}

function dropEmpty<T extends Record<string, unknown>>(obj: T): T {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0 && key === 'tags')) delete obj[key];
  }
  return obj;
}

export function taskView(
  row: ViewedTaskRow,
  links: { dependencies: string[]; blocks: string[] },
  notes?: NoteRow[],
): TaskView {
  return dropEmpty({
    id: row.id,
    title: row.title ?? undefined,
    description: row.description,
    details: row.details ?? undefined,
    module: row.module ?? undefined,
    phase: row.phase ?? undefined,
    tags: row.tags,
    priority: row.priority,
    estimated_complexity: row.estimated_complexity ?? undefined,
    estimate_tokens: row.estimate_tokens ?? undefined,
    used_tokens: row.used_tokens ?? undefined,
    status: row.status,
    ready: row.status === 'pending' ? row.unmet_deps === 0 : undefined,
    assignee: row.assignee ?? undefined,
    branch: row.branch ?? undefined,
    commit_sha: row.commit_sha ?? undefined,
    result: row.result ?? undefined,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
    status_updated_at: iso(row.status_updated_at),
    lease_expires_at: row.status === 'in_progress' ? iso(row.lease_expires_at) : undefined,
    dependencies: links.dependencies,
    blocks: links.blocks,
    version: row.version,
    notes: notes?.map(noteView),
  });
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${cutText(text, max - 1)}…`);

/** The row of a listing: every status field, the description cut short, no details or notes. */
export function compactTaskView(row: ViewedTaskRow, links: { dependencies: string[]; blocks: string[] }, notes?: NoteRow[]): TaskView {
  const view = taskView(row, links, notes);
  delete view.details;
  delete view.version;
  delete view.max_attempts;
  view.description = clip(view.description, 100);
  if (view.title) view.title = clip(view.title, 80);
  if (view.result) view.result = clip(view.result, 100);
  return view;
}
