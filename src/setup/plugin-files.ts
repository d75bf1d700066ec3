import { VERSION } from '../version.js';
import { claudeCodeFiles, PLUGIN_FLAVOUR } from './claude-files.js';

/** Where the plugin lives in the repository, beside the marketplace file at `.claude-plugin/marketplace.json`. */
export const PLUGIN_DIR = 'plugins/tasklane';

const DESCRIPTION = 'A shared, durable task board for a team of Claude Code agents: an orchestrator plans, workers claim tasks atomically and wait for work, everything is recorded.';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The Claude Code plugin and its marketplace, by path from the repository's root: the same subagents and
 * slash commands as `tasklane init` writes (made by claude-files.ts from prompts/), and the server entry
 * `npx -y tasklane`. scripts/write-plugin.ts writes them; a test checks the committed files match.
 */
export function pluginFiles(): Array<{ path: string; text: string }> {
  return [
    {
      path: '.claude-plugin/marketplace.json',
      text: json({
        name: 'tasklane',
        owner: { name: 'Tasklane' },
        plugins: [{ name: 'tasklane', source: `./${PLUGIN_DIR}`, description: DESCRIPTION, version: VERSION }],
      }),
    },
    {
      path: `${PLUGIN_DIR}/.claude-plugin/plugin.json`,
      text: json({ name: 'tasklane', version: VERSION, description: DESCRIPTION, license: 'MIT', keywords: ['tasks', 'mcp', 'agents', 'orchestration'] }),
    },
    { path: `${PLUGIN_DIR}/.mcp.json`, text: json({ mcpServers: { tasklane: { command: 'npx', args: ['-y', 'tasklane'] } } }) },
    ...claudeCodeFiles(PLUGIN_FLAVOUR).map((f) => ({ path: `${PLUGIN_DIR}/${f.path}`, text: f.text })),
  ];
}
