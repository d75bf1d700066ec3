import type { SnapshotTask } from '../tasks/snapshot.js';
import { CHANGE_LOG_HEADER, changeLogRows } from './change-log.js';
import { markdownHeader, markdownRows, markdownTable } from './markdown-table.js';
import type { TrackerWriter } from './tracker-writer.js';

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

const MORE_TASKS = (n: number) =>
  `> ${n.toLocaleString('en-US')} more tasks are not shown here (the progress above counts them; the sections below do not): ` +
  '`tasklane export --format md` writes the whole board, and read_task_breakdown pages through it.\n\n';
const MORE_EVENTS = (n: number) => `\n> ${n.toLocaleString('en-US')} later change-log entries are not shown here: \`tasklane export --format md\` writes them all.\n`;

/**
 * The board as a TASK-STATUS.md tracker: phases and sections, a legend, progress per section, a
 * change log. Tasks come in sections order; a section's table is written row by row as it is read.
 */
export function taskStatusMdWriter(): TrackerWriter {
  const summary: Array<Array<string | number>> = [];
  let at: { phase?: string; module?: string; tally: Record<string, number> } | undefined;
  const closeSection = () => {
    if (!at) return '';
    const n = (status: string) => at!.tally[status] ?? 0;
    const total = Object.values(at.tally).reduce((a, b) => a + b, 0);
    summary.push([[at.phase, at.module].filter(Boolean).join(' / ') || '(no phase)', total, n('completed'), n('in_progress') + n('review'), n('blocked') + n('failed'), n('pending')]);
    return '\n';
  };
  return {
    start: (h) => {
      const { completed: done, total, cancelled } = h.counts;
      const relevant = total - cancelled;
      return `# ${h.project} — Task Status Tracker\n\n**Generated:** ${h.generated_at}\n` +
        `**Progress:** ${done} of ${relevant} tasks completed (${relevant ? Math.round((done / relevant) * 1000) / 10 : 0}%)\n\n`;
    },
    tasks: (batch) => {
      let text = '';
      for (const t of batch) {
        const newPhase = !at || t.phase !== at.phase;
        if (newPhase || t.module !== at!.module) {
          text += closeSection();
          if (newPhase && t.phase) text += `## ${t.phase}\n\n`;
          if (t.module) text += `### ${t.module}\n\n`;
          text += markdownHeader(TABLE);
          at = { phase: t.phase, module: t.module, tally: {} };
        }
        at!.tally[t.status] = (at!.tally[t.status] ?? 0) + 1;
        text += markdownRows([[t.id, t.description, taskCode(t), t.assignee, t.branch, t.started_at, t.completed_at, t.dependencies.join(', '), t.priority, t.result]], '-');
      }
      return text;
    },
    tasksDone: (omitted) =>
      closeSection() +
      (omitted ? MORE_TASKS(omitted) : '') +
      `## Status Legend\n\n${markdownTable(['Status', 'Code', 'Description'], LEGEND.map(([s, d]) => [code(s), `\`${codeWord(s)}\``, d]))}\n\n` +
      `## Progress Summary\n\n${markdownTable(['Section', 'Total', 'Done', 'In Progress', 'Blocked', 'Pending'], summary)}\n\n` +
      `## Change Log\n\n${markdownHeader(CHANGE_LOG_HEADER)}`,
    events: (batch) => changeLogRows(batch, (s) => (s ? codeWord(s) : '-'), '-'),
    end: (omitted) => (omitted ? MORE_EVENTS(omitted) : ''),
  };
}

const TABLE = ['ID', 'Task', 'Status', 'Agent', 'Branch', 'Started', 'Completed', 'Depends On', 'Priority', 'Result'];
