import { hostLogPath, isAlive, readHostInfo } from './host-files.js';
import { hostHealth } from './locate-host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `tasklane host status`: what runs for this folder, for a person. */
export async function hostStatus(folder: string): Promise<string> {
  const info = readHostInfo(folder);
  const health = info ? await hostHealth(info) : undefined;
  if (!info || !health) return `no board host runs for ${folder}; the next tasklane started on it starts one\n`;
  const uptime = Math.round((Date.now() - Date.parse(info.started_at)) / 1000);
  const sessions = typeof health.sessions === 'number' ? health.sessions : 'unknown';
  return [
    `board host for ${folder}`,
    `  pid       ${info.pid}`,
    `  address   ${info.url}`,
    `  uptime    ${uptime} s`,
    `  sessions  ${sessions}`,
    `  version   ${info.version}`,
    `  log       ${hostLogPath(folder)}`,
    '',
  ].join('\n');
}

/** `tasklane host stop`: asks the host to stop and waits until it has closed the database. */
export async function stopHost(folder: string): Promise<string> {
  const info = readHostInfo(folder);
  if (!info || !isAlive(info.pid)) return `no board host runs for ${folder}\n`;
  process.kill(info.pid, 'SIGTERM');
  for (let i = 0; i < 100 && isAlive(info.pid); i++) await sleep(100);
  return isAlive(info.pid) ? `board host ${info.pid} has not stopped yet\n` : `board host ${info.pid} stopped\n`;
}
