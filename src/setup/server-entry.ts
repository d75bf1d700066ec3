import fs from 'node:fs';
import path from 'node:path';

/** How an MCP client starts Tasklane over stdio. */
export type ServerEntry = { command: string; args: string[]; how: 'global' | 'npx' | 'local' | 'clone' };

const real = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
};

/** The `tasklane` commands on PATH, resolved to the files they run. */
function tasklaneOnPath(env: NodeJS.ProcessEnv): string[] {
  const names = process.platform === 'win32' ? ['tasklane.cmd', 'tasklane.exe', 'tasklane'] : ['tasklane'];
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .flatMap((dir) => names.map((n) => real(path.join(dir, n))))
    .filter((p): p is string => p !== undefined);
}

/**
 * The command that starts this very Tasklane, by how it was installed: the `tasklane` on PATH when that
 * is this one (a global install), `npx -y tasklane` when npx fetched it, `npx tasklane` for a project's
 * own dependency, else (a clone) this Node with the absolute path of the built bin.
 */
export function thisServerEntry(cli = process.argv[1], env: NodeJS.ProcessEnv = process.env, node = process.execPath): ServerEntry {
  const bin = real(cli) ?? path.resolve(cli);
  if (tasklaneOnPath(env).includes(bin)) return { command: 'tasklane', args: [], how: 'global' };
  const parts = bin.split(/[\\/]/);
  if (parts.includes('_npx')) return { command: 'npx', args: ['-y', 'tasklane'], how: 'npx' };
  const packageAt = parts.lastIndexOf('node_modules');
  if (packageAt >= 0 && parts[packageAt + 1] === 'tasklane') return { command: 'npx', args: ['tasklane'], how: 'local' };
  return { command: node, args: [bin], how: 'clone' };
}

/** The entry as a config file holds it. */
export const entryConfig = (entry: ServerEntry) => ({ command: entry.command, args: entry.args });
