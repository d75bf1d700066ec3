import fs from 'node:fs';
import path from 'node:path';

/** The command line an agent should start, for how this copy of Tasklane was installed. */
export function ownCommandLine(bin = process.argv[1] ?? ''): string {
  const real = safeRealpath(bin);
  if (real.split(path.sep).includes('_npx')) return 'npx -y tasklane';
  if (onPathAs('tasklane', real)) return 'tasklane';
  return `node ${real}`;
}

/** Said on stderr when a person starts the stdio server on a terminal: agents start it, here is how. */
export function registerHint(commandLine = ownCommandLine()): string {
  return (
    'tasklane: this is the MCP server over stdio; an agent starts it, not a person. Register it (Ctrl-C to leave):\n' +
    `  claude mcp add tasklane -- ${commandLine}\n` +
    '  or, in a project folder, `tasklane init` sets up Claude Code for a team of agents; `tasklane --help` lists the commands\n'
  );
}

function safeRealpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Whether NAME on PATH is this very file. */
function onPathAs(name: string, real: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && safeRealpath(path.join(dir, name)) === real) return true;
  }
  return false;
}
