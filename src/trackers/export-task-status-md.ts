import type { Snapshot, SnapshotTask } from '../tasks/snapshot.js';
import { renderChangeLog } from './change-log.js';
import { groupTasks, tally } from './group-tasks.js';
import { markdownTable } from './markdown-table.js';

const CODES: Record<string, string> = {
  pending: '🔲 PENDING', ready: '🟦 READY', in_progress: '🟧 RUNNING', review: '🟪 REVIEW',
  completed: '✅ DONE', failed: '❌ FAILED', blocked: '🚫 BLOCKED', cancelled: '⛔ CANCELLED',
};

const LEGEND: Array<[string, string]> = [
  ['pending', 'Dependencies not met'], ['ready', 'Ready for assignment'], ['in_progress', 'Agent actively working'],
  ['review', 'Awaiting review'], ['completed', 'Completed'], ['failed', 'Failed'], ['blocked', 'Blocked by a conflict or an issue'],
  ['cancelled', 'Cancelled or deferred'],
];

const code = (status: string | undefined) => (status ? (CODES[status] ?? status.toUpperCase()) : '-');
const taskCode = (t: SnapshotTask) => code(t.status === 'pending' && t.ready ? 'ready' : t.status);
const codeWord = (status: string) => code(status).split(' ').pop()!;

/** The board as a TASK-STATUS.md tracker: phases and sections, a legend, progress per section, a change log. */
export function exportTaskStatusMd(snapshot: Snapshot): string {
  const { tasks } = snapshot;
  const done = tally(tasks, 'completed');
  const relevant = tasks.length - tally(tasks, 'cancelled');
  const out: string[] = [
    `# ${snapshot.project} — Task Status Tracker`,
    '',
    `**Generated:** ${snapshot.generated_at}`,
    `**Progress:** ${done} of ${relevant} tasks completed (${relevant ? Math.round((done / relevant) * 1000) / 10 : 0}%)`,
    '',
  ];
  const summary: Array<Array<string | number>> = [];
  for (const group of groupTasks(tasks)) {
    if (group.phase) out.push(`## ${group.phase}`, '');
    for (const section of group.sections) {
      if (section.module) out.push(`### ${section.module}`, '');
      out.push(
        markdownTable(
          ['ID', 'Task', 'Status', 'Agent', 'Branch', 'Started', 'Completed', 'Depends On', 'Priority', 'Result'],
          section.tasks.map((t) => [t.id, t.description, taskCode(t), t.assignee, t.branch, t.started_at, t.completed_at, t.dependencies.join(', '), t.priority, t.result]),
          '-',
        ),
        '',
      );
      const list = section.tasks;
      summary.push([
        [group.phase, section.module].filter(Boolean).join(' / ') || '(no phase)',
        list.length, tally(list, 'completed'), tally(list, 'in_progress') + tally(list, 'review'),
        tally(list, 'blocked') + tally(list, 'failed'), tally(list, 'pending'),
      ]);
    }
  }
  out.push('## Status Legend', '', markdownTable(['Status', 'Code', 'Description'], LEGEND.map(([s, d]) => [code(s), `\`${codeWord(s)}\``, d])), '');
  out.push('## Progress Summary', '', markdownTable(['Section', 'Total', 'Done', 'In Progress', 'Blocked', 'Pending'], summary), '');
  out.push('## Change Log', '', renderChangeLog(snapshot.events, (s) => (s ? codeWord(s) : '-'), '-'), '');
  return out.join('\n');
}
