import type { SnapshotTask } from '../tasks/snapshot.js';
import { DEFAULT_PRIORITY } from '../tasks/status.js';
import { CHANGE_LOG_HEADER, changeLogRows } from './change-log.js';
import { markdownHeader, markdownRows } from './markdown-table.js';
import type { TableColumns, TrackerWriter } from './tracker-writer.js';

const WORDS: Record<string, string> = { pending: 'not-started', in_progress: 'in-progress', completed: 'done' };
const word = (status: string | undefined) => (status ? (WORDS[status] ?? status) : '');
const tokens = (n: number | undefined) => (n === undefined ? '' : n >= 1000 && n % 100 === 0 ? `${n / 1000}K` : String(n));
const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** The board as a tasks.md tracker: one table per phase in the tasks.md column order, then a change log. Tasks come in sections order. */
export function tasksMdWriter(): TrackerWriter {
  let columns: Array<[string, (t: SnapshotTask) => string | number | undefined]> = [];
  let phase: { name?: string } | undefined;
  const closePhase = () => (phase ? '\n' : '');
  return {
    start: (h) => {
      columns = tableColumns(h.columns!);
      return `# Tasks — ${h.project}\n\nColumns: ${columns.map(([c]) => c).join(', ')}.\n\n`;
    },
    tasks: (batch) => {
      let text = '';
      for (const t of batch) {
        if (!phase || t.phase !== phase.name) {
          text += closePhase();
          if (t.phase) text += `## ${t.phase}\n\n`;
          text += markdownHeader(columns.map(([c]) => c));
          phase = { name: t.phase };
        }
        text += markdownRows([columns.map(([, pick]) => pick(t))]);
      }
      return text;
    },
    tasksDone: () => `${closePhase()}## Change Log\n\n${markdownHeader(CHANGE_LOG_HEADER)}`,
    events: (batch) => changeLogRows(batch, word, ''),
    end: () => '',
  };
}

function tableColumns(use: TableColumns): Array<[string, (t: SnapshotTask) => string | number | undefined]> {
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
  if (use.module) columns.push(['module', (t) => t.module]);
  if (use.priority) columns.push(['priority', (t) => t.priority]);
  if (use.title) columns.push(['title', (t) => t.title]);
  if (use.result) columns.push(['result', (t) => t.result]);
  for (const key of use.metadataKeys.filter((k) => k !== 'issue' && k !== 'repo')) columns.push([key, (t) => scalar(t.metadata[key])]);
  return columns;
}

/** The optional columns read from a whole board in memory (the streamed export asks the database instead). */
export function columnsOf(tasks: SnapshotTask[]): TableColumns {
  const any = (pick: (t: SnapshotTask) => unknown) => tasks.some((t) => pick(t) !== undefined && pick(t) !== null);
  return {
    module: any((t) => t.module),
    priority: tasks.some((t) => t.priority !== DEFAULT_PRIORITY),
    title: any((t) => t.title),
    result: any((t) => t.result),
    metadataKeys: [...new Set(tasks.flatMap((t) => Object.keys(t.metadata).filter((k) => scalar(t.metadata[k]) !== undefined)))],
  };
}
