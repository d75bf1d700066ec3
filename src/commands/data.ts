import { FolderInUseError } from '../db/folder-lock.js';
import { connectToHost, HostRefusedError, ownSettings } from '../host/host-connection.js';
import { hostSocketPath, SOCKET_ROLES } from '../host/host-files.js';
import { printHostedOutput } from '../host/hosted-command.js';
import { hostSettings } from '../local-settings.js';
import { VERSION } from '../version.js';
import { type ParsedCommand, processIo } from './command-io.js';

const HANDOVER_MS = 10_000;
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
  const deadline = Date.now() + HANDOVER_MS;
  for (;;) {
    const host = await connectToHost(hostSocketPath(folder), hello);
    if (host) {
      if (host.ack.tasklane !== 'ok') throw new HostRefusedError(host.ack.message ?? 'the board host refused this command');
      return printHostedOutput(host, processIo);
    }
    try {
      return await runDirect(cmd);
    } catch (err) {
      // A host was starting on the folder: its socket answers in a moment.
      const role = err instanceof FolderInUseError ? err.holder?.role : undefined;
      if (!role || !SOCKET_ROLES.includes(role) || Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

async function runDirect(cmd: ParsedCommand): Promise<number> {
  const { runOnFolder } = await import('./run-on-folder.js');
  return runOnFolder(cmd);
}
