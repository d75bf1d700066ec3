import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { DomainError, invalid } from '../tasks/errors.js';
import { idProblem } from '../tasks/input-rules.js';
import { TRACKER_FORMATS } from '../trackers/export-tracker.js';
import { answerRead } from './read-errors.js';
import type { ToolContext } from './task-tools.js';

const LISTED_TASKS = 100;
/**
 * A resource is one message: breakdown.md shows the first tasks (in its sections order) and change-log
 * entries up to this many each, then a line with how many more there are and where to read them.
 */
export const BREAKDOWN_MAX = 5000;

/** A URI variable, percent-decoded and checked as the id it names. */
function variable(name: string, v: string | string[] | undefined): string {
  const raw = Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw invalid(name, `"${raw}" is not valid percent-encoded UTF-8`);
  }
  const problem = idProblem(value);
  if (problem) throw invalid(name, problem);
  return value;
}
export const breakdownUri = (project: string) => `tasklane://${encodeURIComponent(project)}/breakdown.md`;
export const taskUri = (project: string, taskId: string) => `tasklane://${encodeURIComponent(project)}/tasks/${encodeURIComponent(taskId)}`;

/** The board as resources: the Markdown tracker of a project, and one task as JSON with its events. */
export function registerResources(server: McpServer, ctx: ToolContext): void {
  server.registerResource(
    'breakdown',
    new ResourceTemplate('tasklane://{project}/breakdown.md', {
      list: async () => ({ resources: [{ uri: breakdownUri(ctx.defaultProject), name: `${ctx.defaultProject} breakdown`, mimeType: 'text/markdown' }] }),
    }),
    { title: 'Task breakdown (Markdown)', description: `The board as a TASK-STATUS.md tracker: phases, sections, progress, change log (up to ${BREAKDOWN_MAX} tasks and change-log entries; \`tasklane export\` writes all of a larger board).`, mimeType: 'text/markdown' },
    (uri, vars) =>
      answerRead(ctx.log, { resource: 'breakdown' }, async () => {
        const pieces: string[] = [];
        const sink = async (text: string) => void pieces.push(text);
        await ctx.board.exportTo(variable('project', vars.project), TRACKER_FORMATS.md, sink, { limit: BREAKDOWN_MAX });
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: pieces.join('') }] };
      }),
  );

  server.registerResource(
    'task',
    new ResourceTemplate('tasklane://{project}/tasks/{task_id}', {
      list: async () => {
        if (ctx.boardOpen?.() === false) return { resources: [] };
        const b = await ctx.board.readTaskBreakdown(ctx.defaultProject, { limit: LISTED_TASKS });
        return {
          resources: b.tasks.map((t) => ({ uri: taskUri(ctx.defaultProject, t.id), name: `${t.id}: ${t.title ?? t.description}`, mimeType: 'application/json' })),
        };
      },
    }),
    { title: 'One task (JSON)', description: 'A task with every field, its notes and its events.', mimeType: 'application/json' },
    (uri, vars) =>
      answerRead(ctx.log, { resource: 'task' }, async () => {
        const project = variable('project', vars.project);
        const taskId = variable('task_id', vars.task_id);
        const { tasks, events } = await ctx.board.snapshot(project, [taskId]);
        if (!tasks[0]) throw new DomainError('not_found', `no task "${taskId}" in project "${project}"`);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ task: tasks[0], events }, null, 2) }] };
      }),
  );
}
