import { connectToHost, HostRefusedError, ownSettings } from '../host/host-connection.js';
import { hostSocketPath } from '../host/host-files.js';
import { printHostedOutput } from '../host/hosted-command.js';
import { hostSettings } from '../local-settings.js';
import { VERSION } from '../version.js';
import { type CommandIo, type ParsedCommand, processIo } from './command-io.js';

/**
 * `tasklane board`: on an embedded folder, the board of the process serving it (the board host, started
 * if none runs, or `serve --http`), with a one-time sign-in link; on a server, the board of
 * `tasklane serve --http` on TASKLANE_PORT.
 */
export async function run(cmd: ParsedCommand): Promise<number> {
  const settings = hostSettings();
  const folder = settings?.folder;
  let printed = '';
  const io: CommandIo = { out: (text) => ((printed += text), processIo.out(text)), err: processIo.err };
  if (folder) {
    const socketPath = hostSocketPath(folder);
    const hello = { tasklane: 'command' as const, version: VERSION, cwd: process.cwd(), env: ownSettings(), command: cmd };
    let host = await connectToHost(socketPath, hello);
    if (!host && settings.boardHost) {
      const { ensureHost } = await import('../host/start-host.js');
      host = await ensureHost(folder, () => connectToHost(socketPath, hello));
    }
    if (host) {
      if (host.ack.tasklane !== 'ok') throw new HostRefusedError(host.ack.message ?? 'the board host refused this command');
      const code = await printHostedOutput(host, io);
      if (code === 0 && cmd.values.open) await open(/https?:\/\/\S+/.exec(printed.trim().split('\n').at(-1) ?? '')?.[0] ?? '');
      return code;
    }
  }
  const [{ loadConfig }, { commandProject }, { boardUrl }] = await Promise.all([
    import('../config.js'),
    import('./command-project.js'),
    import('../web/board-url.js'),
  ]);
  const config = loadConfig();
  const project = await commandProject(cmd.values.project, config.project, process.cwd());
  const url = boardUrl(config.http.port, project);
  io.out(`${url}\n`);
  if (cmd.values.open) await open(url);
  return 0;
}

async function open(url: string) {
  const [{ openInBrowser }, { createCliLogger }] = await Promise.all([import('../web/board-url.js'), import('../log.js')]);
  openInBrowser(url, createCliLogger());
}
