import { thisServerEntry } from '../setup/server-entry.js';

/** Said on stderr when a person starts the stdio server on a terminal: agents start it, here is how. */
export function registerHint(): string {
  const entry = thisServerEntry();
  return (
    'tasklane: this is the MCP server over stdio; an agent starts it, not a person. Register it (Ctrl-C to leave):\n' +
    `  claude mcp add tasklane -- ${[entry.command, ...entry.args].join(' ')}\n` +
    '  or, in a project folder, `tasklane init` sets up Claude Code for a team of agents; `tasklane --help` lists the commands\n'
  );
}
