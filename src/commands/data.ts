import { FolderInUseError } from '../db/folder-lock.js';
import { connectToHost, HostRefusedError, ownSettings } from '../host/host-connection.js';
import { hostSocketPath, SOCKET_ROLES, STDIO_ROLE } from '../host/host-files.js';
import { printHostedOutput } from '../host/hosted-command.js';
import { hostSettings } from '../local-settings.js';
import { VERSION } from '../version.js';
import { type ParsedCommand, processIo } from './command-io.js';

const HANDOVER_MS = 10_000;
/** How long a command waits for another one running on the folder itself (an import of a large tracker takes a while). */
const COMMAND_WAIT_MS = 10 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `status`, `project`, `import`, `export`, `lessons`, `migrate`: through the board host when one owns the
 * embedded folder (it prints what the command would print here), else on the folder or server directly.
 */
export async function run(cmd: ParsedCommand): Promise<number> {
  const settings = hostSettings();
  const folder = settings?.boardHost ? settings.folder : undefined;
  if (!folder) return runDirect(cmd);
  const hello = { tasklane: 'command' as const, version: VERSION, cwd: process.cwd(), env: ownSettings(), command: cmd };
  const started = Date.now();
  let told = false;
  for (;;) {
    const host = await connectToHost(hostSocketPath(folder), hello);
    if (host) {
      if (host.ack.tasklane !== 'ok') throw new HostRefusedError(host.ack.message ?? 'the board host refused this command');
      return printHostedOutput(host, processIo);
    }
    try {
      return await runDirect(cmd);
    } catch (err) {
      const holder = err instanceof FolderInUseError ? err.holder : undefined;
      if (!holder || holder.role === STDIO_ROLE) throw err;
      // A host starting on the folder answers on its socket in a moment; another command holding it ends soon.
      const starting = SOCKET_ROLES.includes(holder.role);
      if (Date.now() - started > (starting ? HANDOVER_MS : COMMAND_WAIT_MS)) throw err;
      if (!starting && !told) {
        processIo.err(`waiting for ${holder.role} (pid ${holder.pid}) to finish with ${folder}\n`);
        told = true;
      }
      await sleep(starting ? 50 : 100);
    }
  }
}

async function runDirect(cmd: ParsedCommand): Promise<number> {
  const { runOnFolder } = await import('./run-on-folder.js');
  return runOnFolder(cmd);
}
