import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { GitRef } from '../git/working-tree.js';
import type { Logger } from '../log.js';
import type { TaskBoard } from '../tasks/board.js';
import { breakdownInput, heartbeatInput, markStatusInput, nextTaskInput, updateTaskInput, writeTaskListInput } from '../tasks/inputs.js';
import { breakdownOut, heartbeatOut, markStatusOut, nextTaskOut, updateTaskOut, writeTaskListOut } from './output-schemas.js';
import { renderBreakdown, renderNextTask, renderTask, renderWrite } from './render.js';
import { holdsOnly } from '../auth/access.js';
import { accessOf } from '../auth/request-access.js';
import { runTool } from './tool-result.js';

export type ToolContext = {
  board: TaskBoard;
  log: Logger;
  /** The project a call without `project` works on. */
  defaultProject: string;
  /** The agent name a call without `agent` is recorded under (the MCP client's name). */
  defaultAgent: () => string | null;
  /** With TASKLANE_GIT_AUTO: the working tree's branch and commit, for status changes that give none. */
  gitRef?: () => Promise<GitRef>;
  /** False while the database is still opening: resources/list then lists no tasks rather than wait. */
  boardOpen?: () => boolean;
};

export function registerTaskTools(server: McpServer, ctx: ToolContext): void {
  const { board, log } = ctx;
  const project = (p?: string) => p ?? ctx.defaultProject;
  const agent = (a?: string) => a ?? ctx.defaultAgent();

  server.registerTool(
    'write_task_list',
    {
      description:
        'Write the task breakdown: merge (default) upserts by id keeping progress; replace sets exactly this list. ' +
        'Rejected whole on repeated ids, unknown dependencies or cycles. priority 1 = most urgent.',
      inputSchema: z.strictObject(writeTaskListInput),
      outputSchema: writeTaskListOut,
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    async (args) => {
      const p = project(args.project);
      return runTool(log, 'write_task_list', p, () => board.writeTaskList(p, args, agent()), renderWrite);
    },
  );

  server.registerTool(
    'get_next_task',
    {
      description:
        'Atomically claim the most urgent ready task for agent, with a lease (claim:false peeks). ' +
        'No task: reason is all_done, waiting, blocked (with chains) or empty. wait_seconds (max 300): wait for one instead of polling.',
      inputSchema: z.strictObject(nextTaskInput),
      outputSchema: nextTaskOut,
      annotations: { destructiveHint: false, idempotentHint: false },
    },
    async (args, extra) => {
      const p = project(args.project);
      return runTool(log, 'get_next_task', p, () => board.nextTask(p, { ...args, agent: agent(args.agent) ?? undefined }, extra.signal), renderNextTask);
    },
  );

  server.registerTool(
    'mark_task_status',
    {
      description:
        'Set a task status (pending, in_progress, review, completed, failed, blocked, cancelled; aliases like done accepted) ' +
        'with optional notes and result. Safe to repeat. Returns the tasks it made ready.',
      inputSchema: z.strictObject(markStatusInput),
      outputSchema: markStatusOut,
      annotations: { destructiveHint: false, idempotentHint: true },
    },
    async (args, extra) => {
      const p = project(args.project);
      const git = ctx.gitRef && (args.branch === undefined || args.commit_sha === undefined) ? await ctx.gitRef() : {};
      const input = { ...git, ...args, agent: agent(args.agent) ?? undefined, holderOnly: holdsOnly(accessOf(extra)) };
      return runTool(log, 'mark_task_status', p, () => board.markTaskStatus(p, input), (r) => r.message);
    },
  );

  server.registerTool(
    'read_task_breakdown',
    {
      description:
        'Counts by status and progress, then one page of compact task rows (description cut short). ' +
        'Filter by status (or "ready") and phase; page with limit/offset; include_notes adds notes.',
      inputSchema: z.strictObject(breakdownInput),
      outputSchema: breakdownOut,
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      const p = project(args.project);
      return runTool(log, 'read_task_breakdown', p, () => board.readTaskBreakdown(p, args), renderBreakdown);
    },
  );

  server.registerTool(
    'update_task',
    {
      description:
        'Edit a task: title, description, details, priority, dependencies, tags, phase, module, estimates. ' +
        'Same checks as write_task_list; expected_version guards against lost updates.',
      inputSchema: z.strictObject(updateTaskInput),
      outputSchema: updateTaskOut,
      annotations: { destructiveHint: false, idempotentHint: true },
    },
    async (args) => {
      const p = project(args.project);
      return runTool(log, 'update_task', p, () => board.updateTask(p, { ...args, agent: agent(args.agent) ?? undefined }), (r) => `${r.message}\n${renderTask(r.task)}`);
    },
  );

  server.registerTool(
    'heartbeat',
    {
      description: 'Extend the lease on a task you hold (only its holder may), optionally with a note. Call it well before lease_expires_at.',
      inputSchema: z.strictObject(heartbeatInput),
      outputSchema: heartbeatOut,
      annotations: { destructiveHint: false, idempotentHint: true },
    },
    async (args) => {
      const p = project(args.project);
      return runTool(log, 'heartbeat', p, () => board.heartbeat(p, args), (r) => r.message);
    },
  );
}
