import type { TaskInput } from '../tasks/inputs.js';
import type { Table } from './markdown-blocks.js';
import { markdownCell } from './markdown-table.js';
import { splitIds, type TrackerBuilder } from './tracker-builder.js';

type Field =
  | 'id' | 'description' | 'title' | 'status' | 'assignee' | 'branch' | 'commit_sha' | 'started_at' | 'completed_at'
  | 'dependencies' | 'blocks' | 'priority' | 'estimate_tokens' | 'used_tokens' | 'result' | 'phase' | 'module'
  | 'tags' | 'details' | 'notes';

const COLUMNS = new Map<string, Field>(Object.entries({
  id: 'id', task_id: 'id', key: 'id',
  description: 'description', task: 'description', name: 'description', summary: 'description',
  title: 'title', status: 'status', state: 'status',
  agent: 'assignee', assignee: 'assignee', owner: 'assignee', worker: 'assignee',
  branch: 'branch', commit: 'commit_sha', commit_sha: 'commit_sha', sha: 'commit_sha',
  started_at: 'started_at', started: 'started_at', start: 'started_at',
  completed_at: 'completed_at', completed: 'completed_at', finished: 'completed_at', finished_at: 'completed_at', done_at: 'completed_at',
  depends_on: 'dependencies', dependencies: 'dependencies', deps: 'dependencies', depends: 'dependencies', blocked_by: 'dependencies',
  blocks: 'blocks', priority: 'priority', prio: 'priority',
  estimate: 'estimate_tokens', estimate_tokens: 'estimate_tokens', est: 'estimate_tokens',
  used: 'used_tokens', used_tokens: 'used_tokens', tokens_used: 'used_tokens',
  result: 'result', outcome: 'result', phase: 'phase', module: 'module', component: 'module',
  tags: 'tags', labels: 'tags', details: 'details', notes: 'notes',
} satisfies Record<string, Field>));

/** A header cell as a key: `Depends On` → `depends_on`. */
export const columnKey = (header: string) => header.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

const cellValue = (cell: string | undefined) => markdownCell(cell ?? '');

/** A task table names its ids and what each task is; legends and summaries do not. */
export function isTaskTable(header: string[]): boolean {
  const fields = header.map((h) => COLUMNS.get(columnKey(h)));
  return fields.includes('id') && (fields.includes('description') || fields.includes('title'));
}

/** Reads one Markdown task table; columns in any order, unknown columns kept in metadata. */
export function readTaskTable(table: Table, context: { phase?: string; module?: string }, out: TrackerBuilder): void {
  const keys = table.header.map(columnKey);
  table.rows.forEach((row, r) => {
    const line = table.line + 2 + r;
    const cells = new Map<Field, string>();
    const metadata: Record<string, string> = {};
    keys.forEach((key, c) => {
      const value = cellValue(row[c]);
      const field = COLUMNS.get(key);
      if (field) {
        if (!cells.has(field)) cells.set(field, value);
      } else if (value && key) metadata[key] = value;
    });
    const id = cells.get('id');
    if (!id) {
      if (row.some((c) => cellValue(c))) out.skip(line, 'a row without an id; add one in the id column');
      return;
    }
    const title = cells.get('title');
    const description = cells.get('description') || title;
    if (!description) {
      out.skip(line, `${id}: no description; the row was left out`);
      return;
    }
    const task: TaskInput = { id, description, ...metadata };
    if (title && cells.get('description')) task.title = title;
    const phase = cells.get('phase') || context.phase;
    const module = cells.get('module') || context.module;
    if (phase) task.phase = phase;
    if (module) task.module = module;
    for (const [field, value] of cells) {
      switch (field) {
        case 'status': {
          const status = out.status(value, line, id);
          if (status) task.status = status;
          break;
        }
        case 'started_at':
        case 'completed_at':
          if (cells.has(field)) task[field] = out.time(value, line, `${id}.${field}`);
          break;
        case 'assignee':
        case 'branch':
        case 'commit_sha':
        case 'result':
          task[field] = value || null;
          break;
        case 'dependencies':
          task.dependencies = splitIds(value);
          break;
        case 'blocks':
          out.addBlocks(id, splitIds(value), line);
          break;
        case 'priority': {
          const priority = out.priority(value, line, `${id}.priority`);
          if (priority) task.priority = priority;
          break;
        }
        case 'estimate_tokens':
        case 'used_tokens': {
          const n = out.tokens(value, line, `${id}.${field}`);
          if (field === 'used_tokens') task.used_tokens = n ?? null;
          else if (n !== undefined) task.estimate_tokens = n;
          break;
        }
        case 'tags':
          if (value) task.tags = value.split(/\s*,\s*/).filter(Boolean);
          break;
        case 'details':
          if (value) task.details = value;
          break;
        case 'notes':
          if (value) task.notes = [value];
          break;
        default:
          break;
      }
    }
    out.add(task, line);
  });
}
