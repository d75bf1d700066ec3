import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { importSummary } from '../trackers/import-summary.js';
import { parseTracker, trackerFormat } from '../trackers/parse-tracker.js';
import { callSizeProblem, textString } from '../tasks/input-rules.js';
import { projectField } from '../tasks/inputs.js';
import type { ToolContext } from './task-tools.js';
import { runTool } from './tool-result.js';

export const importTrackerInput = {
  project: projectField,
  format: z.enum(['json', 'tasks-md', 'task-status', 'todo']).optional(),
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
        "Import a tracker file's content (task-breakdown.json, tasks.md, TASK-STATUS.md, TODO.md): merges by id, takes its statuses, " +
        'lists skipped lines. Idempotent; dry_run previews.',
      inputSchema: importTrackerInput,
      outputSchema: importTrackerOut,
      annotations: { destructiveHint: false, idempotentHint: true },
    },
    async (args) => {
      const p = args.project ?? ctx.defaultProject;
      return runTool(
        ctx.log,
        'import_tracker',
        p,
        () => ctx.board.importTasks(p, parseTracker(args.content, args.format && trackerFormat(args.format)), { actor: ctx.defaultAgent(), dryRun: args.dry_run }),
        importSummary,
      );
    },
  );
}
