import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { AttachedLesson } from '../lessons/lessons-for-task.js';
import type { BreakdownResult } from '../tasks/breakdown.js';
import { taskNotFound } from '../tasks/errors.js';
import type { TaskBoard } from '../tasks/board.js';
import { idProblem, idString, LIMITS, textString } from '../tasks/input-rules.js';
import { DEFAULT_GATES, readTemplate, renderTemplate } from '../prompts/templates.js';
import { answerRead } from './read-errors.js';
import type { ToolContext } from './task-tools.js';

function boardSummary(b: BreakdownResult): string {
  if (b.total_tasks === 0) return 'empty (no breakdown yet).';
  return `${b.total_tasks} tasks, ${b.progress_percent}% done — ready ${b.ready_count}, pending ${b.pending_count}, in progress ${b.in_progress_count}, ` +
    `review ${b.review_count}, completed ${b.completed_count}, failed ${b.failed_count}, blocked ${b.blocked_count}, cancelled ${b.cancelled_count}.`;
}

/** The lessons a worker gets with the task, as a Markdown section; none: nothing at all. */
function lessonsSection(lessons: AttachedLesson[]): string {
  if (lessons.length === 0) return '';
  const items = lessons.map((l) => `- **${l.title}**${l.body && l.body !== l.title ? ` — ${l.body.replace(/\s+/g, ' ')}` : ''}`);
  return `\n## Lessons from earlier work\n\n${items.join('\n')}\n`;
}

/** The worker's brief: the task row, its dependencies' results, lessons (when there are any), the gates. */
export async function workerValues(board: TaskBoard, lessons: LessonBook, project: string, taskId: string): Promise<Record<string, string>> {
  const snap = await board.snapshot(project, [taskId]);
  const task = snap.tasks[0];
  if (!task) throw taskNotFound(taskId, project);
  const deps = task.dependencies.length ? (await board.snapshot(project, task.dependencies)).tasks : [];
  const gates = task.metadata.quality_gates;
  const gateList = Array.isArray(gates) ? gates.map((g) => `- ${String(g)}`) : typeof gates === 'string' ? [`- ${gates}`] : DEFAULT_GATES;
  return {
    project,
    task_id: task.id,
    title: task.title ? ` ${task.title}` : '',
    status: task.status,
    priority: String(task.priority),
    placement: [task.phase, task.module].filter(Boolean).map((s) => `, ${s}`).join(''),
    description: task.description,
    details: task.details ? `\n${task.details}\n` : '',
    dependency_results: deps.length
      ? deps.map((d) => `- **${d.id}** (${d.status}): ${d.result ?? 'no result recorded'}`).join('\n')
      : 'No dependencies: this task starts from the code as it is.',
    lessons: lessonsSection(await lessons.relevantLessons(project, task.id)),
    quality_gates: gateList.join('\n'),
  };
}

const promptResult = (description: string, text: string): GetPromptResult => ({
  description,
  messages: [{ role: 'user', content: { type: 'text', text } }],
});

/** A prompt's project: empty means the default one (forms send empty strings); otherwise an id. */
const projectArg = z.string().superRefine((s, ctx) => {
  const problem = s === '' ? undefined : idProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export function registerPrompts(server: McpServer, ctx: ToolContext & { lessons: LessonBook }): void {
  const project = (p?: string) => p || ctx.defaultProject;

  server.registerPrompt(
    'orchestrator',
    { title: 'Orchestrate the board', description: 'The orchestrator loop: read the breakdown, hand ready tasks to workers, record outcomes, stop on done or deadlock.', argsSchema: { project: projectArg.optional() } },
    (args) =>
      answerRead(ctx.log, { prompt: 'orchestrator' }, async () => {
        const p = project(args.project);
        const b = await ctx.board.readTaskBreakdown(p, { status: 'ready', limit: 10 });
        const ready = b.tasks.map((t) => t.id);
        const text = renderTemplate(readTemplate('orchestrator'), {
          project: p,
          board_summary: boardSummary(b),
          ready_line: ready.length ? `Ready now: ${ready.join(', ')}${b.next_offset !== undefined ? ', …' : ''}.` : '',
        });
        return promptResult(`orchestrator loop for ${p}`, text);
      }),
  );

  server.registerPrompt(
    'worker',
    { title: 'Brief a worker', description: "A worker's brief for one task: the task, its dependencies' results, the quality gates, how to report.", argsSchema: { project: projectArg.optional(), task_id: idString() } },
    (args) =>
      answerRead(ctx.log, { prompt: 'worker' }, async () => {
        const p = project(args.project);
        const values = await workerValues(ctx.board, ctx.lessons, p, args.task_id);
        return promptResult(`worker brief for ${args.task_id} in ${p}`, renderTemplate(readTemplate('worker'), values));
      }),
  );

  server.registerPrompt(
    'architect',
    { title: 'Plan a breakdown', description: 'How to write a good breakdown for a goal with write_task_list: small tasks, explicit dependencies, priorities, estimates.', argsSchema: { project: projectArg.optional(), goal: textString(LIMITS.goal) } },
    (args) =>
      answerRead(ctx.log, { prompt: 'architect' }, async () => {
        const p = project(args.project);
        const b = await ctx.board.readTaskBreakdown(p, { limit: 1 });
        return promptResult(`breakdown plan for ${p}`, renderTemplate(readTemplate('architect'), { project: p, goal: args.goal, board_summary: boardSummary(b) }));
      }),
  );
}
