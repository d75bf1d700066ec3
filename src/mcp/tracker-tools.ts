import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { boardProjects } from '../trackers/board-projects.js';
import { combineImports, importsSummary } from '../trackers/import-summary.js';
import { FORMAT_CHOICES, parseTrackerContent, trackerFormat } from '../trackers/parse-tracker.js';
import { callSizeProblem, textString } from '../tasks/input-rules.js';
import { projectField } from '../tasks/inputs.js';
import type { ToolContext } from './task-tools.js';
import { checkProject } from '../auth/access.js';
import { accessOf } from '../auth/request-access.js';
import { runTool } from './tool-result.js';

export const importTrackerInput = {
  project: projectField,
  format: z.enum(FORMAT_CHOICES).optional(),
  content: textString(5_000_000)
    .min(1)
    .superRefine((content, ctx) => {
      const problem = ctx.issues.length ? undefined : callSizeProblem(content);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  dry_run: z.boolean().optional(),
};

const num = z.number();
/** The key counts, typed; the rest (events_added, by_status, by_phase, skipped lines) as the README says. */
const importTrackerOut = z.object({ project: z.string(), created: num, updated: num, unchanged: num, skipped_count: num }).loose();

export function registerTrackerTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'import_tracker',
    {
      description:
        "Import a tracker file's content (task-breakdown.json, tasks.md, TASK-STATUS.md, TODO.md, Taskmaster tasks.json: a project " +
        'per tag, Beads issues.jsonl, a Backlog.md task): merges by id, takes its statuses, lists skipped lines. Idempotent; dry_run previews.',
      inputSchema: z.strictObject(importTrackerInput),
      outputSchema: importTrackerOut,
      annotations: { destructiveHint: false, idempotentHint: true },
    },
    async (args, extra) => {
      const p = args.project ?? ctx.defaultProject;
      const access = accessOf(extra);
      return runTool(
        ctx.log,
        'import_tracker',
        p,
        async () => {
          const boards = parseTrackerContent(args.content, args.format && trackerFormat(args.format));
          const targets = boardProjects(p, boards);
          if (access) for (const t of targets) checkProject(access, t.project, 'import_tracker');
          const results = await ctx.board.importBoards(targets, { actor: ctx.defaultAgent(), dryRun: args.dry_run });
          return combineImports(results, boards.map((b) => b.tag));
        },
        importsSummary,
      );
    },
  );
}
