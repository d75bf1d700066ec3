import type { Snapshot, SnapshotTask } from '../tasks/snapshot.js';
import { renderChangeLog } from './change-log.js';
import { groupTasks } from './group-tasks.js';
import { markdownTable } from './markdown-table.js';
import { DEFAULT_PRIORITY } from '../tasks/status.js';

const WORDS: Record<string, string> = { pending: 'not-started', in_progress: 'in-progress', completed: 'done' };
const word = (status: string | undefined) => (status ? (WORDS[status] ?? status) : '');
const tokens = (n: number | undefined) => (n === undefined ? '' : n >= 1000 && n % 100 === 0 ? `${n / 1000}K` : String(n));
const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** The board as a tasks.md tracker: one table per phase in the tasks.md column order, then a change log. */
export function exportTasksMd(snapshot: Snapshot): string {
  const { tasks } = snapshot;
  const any = (pick: (t: SnapshotTask) => unknown) => tasks.some((t) => pick(t) !== undefined && pick(t) !== null);
  const extra = [...new Set(tasks.flatMap((t) => Object.keys(t.metadata).filter((k) => scalar(t.metadata[k]) !== undefined)))].filter(
    (k) => k !== 'issue' && k !== 'repo',
  );
  const columns: Array<[string, (t: SnapshotTask) => string | number | undefined]> = [
    ['id', (t) => t.id],
    ['status', (t) => word(t.status)],
    ['description', (t) => t.description],
    ['issue', (t) => scalar(t.metadata.issue)],
    ['repo', (t) => scalar(t.metadata.repo)],
    ['branch', (t) => t.branch],
    ['depends_on', (t) => t.dependencies.join(', ')],
    ['blocks', (t) => t.blocks.join(', ')],
    ['agent', (t) => t.assignee],
    ['started_at', (t) => t.started_at],
    ['completed_at', (t) => t.completed_at],
    ['estimate', (t) => tokens(t.estimate_tokens)],
    ['used', (t) => tokens(t.used_tokens)],
  ];
  if (any((t) => t.module)) columns.push(['module', (t) => t.module]);
  if (tasks.some((t) => t.priority !== DEFAULT_PRIORITY)) columns.push(['priority', (t) => t.priority]);
  if (any((t) => t.title)) columns.push(['title', (t) => t.title]);
  if (any((t) => t.result)) columns.push(['result', (t) => t.result]);
  for (const key of extra) columns.push([key, (t) => scalar(t.metadata[key])]);

  const out = [`# Tasks — ${snapshot.project}`, '', `Columns: ${columns.map(([c]) => c).join(', ')}.`, ''];
  for (const group of groupTasks(tasks)) {
    if (group.phase) out.push(`## ${group.phase}`, '');
    const rows = group.sections.flatMap((s) => s.tasks).map((t) => columns.map(([, pick]) => pick(t)));
    out.push(markdownTable(columns.map(([c]) => c), rows), '');
  }
  out.push('## Change Log', '', renderChangeLog(snapshot.events, word, ''), '');
  return out.join('\n');
}
