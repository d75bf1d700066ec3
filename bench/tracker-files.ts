import type { BacklogFile } from '../src/trackers/parse-backlog-md.js';
import type { TrackerFormat } from '../src/trackers/types.js';

/** A tracker of n tasks in one format and layout: a text, or a Backlog.md folder's files. */
export type TrackerSample = { format: TrackerFormat; layout: 'pretty' | 'one line' | 'files'; label: string; make: (n: number) => string | BacklogFile[] };

const STATUSES = ['done', 'in-progress', 'pending', 'pending'];
const words = (i: number) => `Build part ${i} of the billing service: parse the input, validate every field, and store it`;

/** Task i depends on task i-1: a chain as long as the file, the worst case for walks over the graph. */
function breakdown(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `T${i + 1}`,
    title: `Part ${i + 1}`,
    description: words(i + 1),
    status: STATUSES[i % 4],
    priority: (i % 4) + 1,
    phase: `Phase ${Math.floor(i / 1000) + 1}`,
    dependencies: i ? [`T${i}`] : [],
  }));
}

/** Taskmaster: two tags; every fifth task is a parent of the next four (subtasks 1–4, each after its sibling). */
function taskmaster(n: number, indent?: number) {
  const tag = (count: number, offset: number) => {
    const tasks = [];
    for (let i = 0; i < count; i += 5) {
      const id = offset + i / 5 + 1;
      tasks.push({
        id, title: `Part ${id}`, description: words(id), status: STATUSES[id % 4], priority: ['high', 'medium', 'low'][id % 3],
        dependencies: id > offset + 1 ? [id - 1] : [], details: 'Steps:\n- one\n- two', testStrategy: 'Unit tests for each branch',
        subtasks: Array.from({ length: Math.min(4, count - i - 1) }, (_, j) => ({
          id: j + 1, title: `Step ${j + 1} of ${id}`, description: words(j), status: STATUSES[j], dependencies: j ? [j] : [], details: 'Do it',
        })),
      });
    }
    return { tasks, metadata: { created: '2026-01-01T00:00:00.000Z', description: 'generated' } };
  };
  const half = Math.floor(n / 2);
  return JSON.stringify({ master: tag(half, 0), feature: tag(n - half, 0) }, null, indent);
}

function table(n: number, header: string, row: (t: ReturnType<typeof breakdown>[number]) => string) {
  const out = ['# Tasks', ''];
  breakdown(n).forEach((t, i) => {
    if (i % 1000 === 0) out.push('', `## ${t.phase}`, '', header, header.replace(/[^|]+/g, '---'));
    out.push(row(t));
  });
  return `${out.join('\n')}\n`;
}

function beads(n: number) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const id = `bd-${i.toString(36)}`;
    const deps = i ? [{ issue_id: id, depends_on_id: `bd-${(i - 1).toString(36)}`, type: i % 10 ? 'blocks' : 'related', created_at: '2026-01-02T10:00:00Z', created_by: 'agent' }] : [];
    lines.push(JSON.stringify({
      id, title: `Part ${i + 1}`, description: words(i + 1), status: ['open', 'in_progress', 'closed', 'open'][i % 4], priority: i % 5, issue_type: 'task',
      created_at: '2026-01-02T10:00:00Z', updated_at: '2026-01-02T11:00:00Z', ...(i % 4 === 2 ? { closed_at: '2026-01-02T11:00:00Z' } : {}),
      labels: ['billing'], dependencies: deps,
    }));
  }
  return `${lines.join('\n')}\n`;
}

function backlog(n: number): BacklogFile[] {
  const files: BacklogFile[] = [{ path: 'config.yml', text: 'project_name: "Bench"\ntask_prefix: "task"\nstatuses: ["To Do", "In Progress", "Done"]\n' }];
  for (let i = 1; i <= n; i++) {
    const status = ['To Do', 'In Progress', 'Done', 'To Do'][i % 4];
    files.push({
      path: `${status === 'Done' && i % 8 === 2 ? 'completed' : 'tasks'}/task-${i} - Part-${i}.md`,
      text: `---\nid: task-${i}\ntitle: 'Part ${i}'\nstatus: ${status}\nassignee: []\ncreated_date: '2026-01-02 10:00'\nlabels:\n  - billing\ndependencies: [${i > 1 ? `task-${i - 1}` : ''}]\npriority: medium\n---\n\n## Description\n\n<!-- SECTION:DESCRIPTION:BEGIN -->\n${words(i)}\n<!-- SECTION:DESCRIPTION:END -->\n\n## Acceptance Criteria\n<!-- AC:BEGIN -->\n- [ ] #1 It works\n<!-- AC:END -->\n`,
    });
  }
  return files;
}

export const TRACKER_SAMPLES: TrackerSample[] = [
  { format: 'task-breakdown-json', layout: 'pretty', label: 'task-breakdown.json', make: (n) => JSON.stringify({ tasks: breakdown(n) }, null, 2) },
  { format: 'task-breakdown-json', layout: 'one line', label: 'task-breakdown.json', make: (n) => JSON.stringify({ tasks: breakdown(n) }) },
  { format: 'taskmaster-json', layout: 'pretty', label: 'Taskmaster tasks.json', make: (n) => taskmaster(n, 2) },
  { format: 'taskmaster-json', layout: 'one line', label: 'Taskmaster tasks.json', make: (n) => taskmaster(n) },
  { format: 'beads-jsonl', layout: 'one line', label: 'Beads issues.jsonl', make: beads },
  { format: 'backlog-md', layout: 'files', label: 'Backlog.md folder', make: backlog },
  {
    format: 'tasks-md', layout: 'pretty', label: 'tasks.md',
    make: (n) => table(n, '| id | status | description | depends_on | priority |', (t) => `| ${t.id} | ${t.status} | ${t.description} | ${t.dependencies.join(', ')} | ${t.priority} |`),
  },
  {
    format: 'task-status-md', layout: 'pretty', label: 'TASK-STATUS.md',
    make: (n) => table(n, '| ID | Task | Status | Agent | Depends On |', (t) => `| ${t.id} | ${t.description} | ${t.status === 'done' ? '✅ DONE' : '🔲 PENDING'} | - | ${t.dependencies.join(', ') || '-'} |`),
  },
  {
    format: 'todo-md', layout: 'pretty', label: 'TODO.md',
    make: (n) => `# TODO\n${breakdown(n).map((t, i) => `${i % 1000 === 0 ? `\n## Phase ${i / 1000 + 1}\n\n` : ''}- [${t.status === 'done' ? 'x' : ' '}] ${t.description}`).join('\n')}\n`,
  },
];
