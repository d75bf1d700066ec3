import { DEFAULT_GATES, readTemplate, renderTemplate } from '../prompts/templates.js';

/**
 * Claude Code's files for Tasklane (subagents, slash commands, the CLAUDE.md section), made from
 * prompts/claude/*.md, which take their shared guidance from the MCP prompts (prompts/*.md) by
 * `{{> worker#Report}}`: each piece of guidance is written once. `tasklane init` and the plugin
 * (scripts/write-plugin.ts) both write what this returns.
 */
export type Flavour = {
  /** How Claude Code names a Tasklane tool: `mcp__<server>__<tool>`; a plugin's server is `plugin_<plugin>_<server>`. */
  tool(name: string): string;
  /** How a user types one of the slash commands. */
  command(name: string): string;
  /** The file name of a slash command. */
  commandFile(name: string): string;
};

/** Files in a project's `.claude/`, written by `tasklane init`. */
export const PROJECT_FLAVOUR: Flavour = {
  tool: (name) => `mcp__tasklane__${name}`,
  command: (name) => `/tasklane-${name}`,
  commandFile: (name) => `tasklane-${name}.md`,
};

/** Files in the plugin `tasklane`, whose `.mcp.json` names the server `tasklane`. */
export const PLUGIN_FLAVOUR: Flavour = {
  tool: (name) => `mcp__plugin_tasklane_tasklane__${name}`,
  command: (name) => `/tasklane:${name}`,
  commandFile: (name) => `${name}.md`,
};

export const AGENTS = ['tasklane-orchestrator', 'tasklane-worker'] as const;
export const COMMANDS = ['plan', 'work', 'board'] as const;

/** Stands for the project while an MCP prompt's section is made generic (project-less). */
const PROJECT = '\u0000project\u0000';

/** An MCP prompt's values when its text is read by an agent that has no task or project yet. */
const GENERIC_VALUES: Record<string, string> = {
  project: PROJECT,
  task_id: '<task id>',
  quality_gates: DEFAULT_GATES.join('\n'),
};

/** The `## heading…` section of prompts/<name>.md (up to the next `## `), made generic: calls name no project. */
function section(name: string, heading: string): string {
  const text = readTemplate(name);
  const start = text.search(new RegExp(`^## ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  if (start < 0) throw new Error(`prompts/${name}.md has no section "## ${heading}…"`);
  const rest = text.slice(start + 3);
  const end = rest.search(/^## /m);
  const body = text.slice(start, end < 0 ? undefined : start + 3 + end).replace(/\n*$/, '\n');
  return renderTemplate(body, GENERIC_VALUES)
    .replaceAll(`{"project": "${PROJECT}"}`, '{}')
    .replaceAll(`"project": "${PROJECT}", `, '')
    .replaceAll(PROJECT, 'this project');
}

/** prompts/claude/<name>.md with its includes, tool names and command names filled in. */
export function renderClaudeTemplate(name: string, flavour: Flavour): string {
  const text = readTemplate(`claude/${name}`)
    .replace(/\{\{>\s*([a-z]+)#([^}]+)\}\}\n/g, (_, prompt: string, heading: string) => `${section(prompt, heading.trim())}\n`)
    .replace(/\{\{mcp:([^}]+)\}\}/g, (_, tools: string) => tools.split(',').map((t) => flavour.tool(t.trim())).join(', '))
    .replace(/\{\{command:\s*([a-z]+)\s*\}\}/g, (_, command: string) => flavour.command(command));
  const left = /\{\{[^}]*\}\}/.exec(text);
  if (left) throw new Error(`prompts/claude/${name}.md: ${left[0]} is not a known placeholder`);
  return text;
}

/** Every subagent and slash command, by path under the folder that holds `agents/` and `commands/`. */
export function claudeCodeFiles(flavour: Flavour): Array<{ path: string; text: string }> {
  return [
    ...AGENTS.map((name) => ({ path: `agents/${name}.md`, text: renderClaudeTemplate(name, flavour) })),
    ...COMMANDS.map((name) => ({ path: `commands/${flavour.commandFile(name)}`, text: renderClaudeTemplate(`commands/${name}`, flavour) })),
  ];
}

/** The section `tasklane init` keeps in the project's CLAUDE.md. */
export const claudeMdSection = () => renderClaudeTemplate('CLAUDE', PROJECT_FLAVOUR);
