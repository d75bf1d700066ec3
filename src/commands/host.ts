import { ConfigError, loadConfig } from '../config.js';
import { folderLockPath, tryLockFile } from '../db/folder-lock.js';
import { connectToHost, ownSettings } from '../host/host-connection.js';
import { hostLogPath, hostSocketPath, type HostInfo } from '../host/host-files.js';
import { embeddedFolder, hostSettings } from '../local-settings.js';
import { VERSION } from '../version.js';
import type { ParsedCommand } from './command-io.js';

type Status = HostInfo & { sessions: number; ready: boolean };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function folderOf(): string {
  const folder = embeddedFolder(hostSettings()?.folder ?? loadConfig().databaseUrl);
  if (!folder) throw new ConfigError('tasklane host: the database is not an embedded folder; a board host serves only those');
  return folder;
}

/** What serves the folder's socket, or undefined when nothing does. */
async function hostStatus(folder: string): Promise<Status | undefined> {
  const connection = await connectToHost(hostSocketPath(folder), { tasklane: 'status', version: VERSION, cwd: process.cwd(), env: ownSettings() });
  if (!connection) return undefined;
  const { socket, rest } = connection;
  return new Promise((resolve) => {
    let text = rest.toString('utf8');
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      try {
        resolve(JSON.parse(text) as Status);
      } catch {
        resolve(undefined);
      }
    });
    socket.resume();
  });
}

/** `tasklane host status | stop | run`. */
export async function run(cmd: ParsedCommand): Promise<number> {
  const action = cmd.positionals[0] ?? 'status';
  if (action === 'run') {
    const config = loadConfig();
    const folder = embeddedFolder(config.databaseUrl);
    if (!folder) throw new ConfigError('tasklane host run: the database is not an embedded folder');
    const { runBoardHost } = await import('../host/run-host.js');
    await runBoardHost(config, folder);
    return 0;
  }
  const folder = folderOf();
  const status = await hostStatus(folder);
  if (action === 'status') {
    if (!status) {
      process.stdout.write(`no board host runs for ${folder}; the next tasklane started on it starts one\n`);
      return 0;
    }
    const uptime = Math.round((Date.now() - Date.parse(status.started_at)) / 1000);
    process.stdout.write(
      [
        `${status.role} for ${folder}`,
        `  pid       ${status.pid}`,
        `  board     ${status.url ? `${status.url}/board (tasklane board prints a sign-in link)` : 'not listening yet'}`,
        `  uptime    ${uptime} s`,
        `  sessions  ${status.sessions}`,
        `  database  ${status.ready ? 'open' : 'opening'}`,
        `  version   ${status.version}`,
        `  log       ${status.role === 'board host' ? hostLogPath(folder) : 'its stderr'}`,
        '',
      ].join('\n'),
    );
    return 0;
  }
  if (!status) {
    process.stdout.write(`no board host runs for ${folder}\n`);
    return 0;
  }
  process.kill(status.pid, 'SIGTERM');
  // Stopped once it has let go of the folder: its lock is free.
  for (let i = 0; i < 200; i++) {
    const probe = tryLockFile(folderLockPath(folder), 'checking that the host stopped');
    if (probe) {
      probe.release();
      for (let j = 0; j < 40 && isRunning(status.pid); j++) await sleep(50); // it exits right after
      process.stdout.write(`${status.role} ${status.pid} stopped\n`);
      return 0;
    }
    await sleep(50);
  }
  process.stdout.write(`${status.role} ${status.pid} has not stopped yet\n`);
  return 1;
}
