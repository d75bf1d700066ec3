import fs from 'node:fs';
import { hostSettings } from '../local-settings.js';
import type { ParsedCommand } from './command-io.js';

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** The relay's few log lines, in pino's shape, without loading pino. */
function relayLog(level: 'info' | 'warn', msg: string, extra: object = {}) {
  const value = level === 'info' ? 30 : 40;
  if (value < (LEVELS[process.env.TASKLANE_LOG_LEVEL ?? 'info'] ?? 30)) return;
  process.stderr.write(`${JSON.stringify({ level: value, time: Date.now(), pid: process.pid, ...extra, msg })}\n`);
}

/**
 * `tasklane serve`: on an embedded folder (the default) a byte pipe to the folder's board host, which
 * loads node's net and little else; otherwise a server of its own, over stdio or HTTP.
 */
export async function run(cmd: ParsedCommand): Promise<number> {
  if (typeof cmd.values.project === 'string') process.env.TASKLANE_PROJECT = cmd.values.project;
  if (!cmd.values.http && process.stdin.isTTY) {
    const { registerHint } = await import('../cli/register-hint.js');
    process.stderr.write(registerHint());
  }
  const settings = hostSettings();
  if (!cmd.values.http && settings?.folder && settings.boardHost) {
    fs.mkdirSync(settings.folder, { recursive: true, mode: 0o700 });
    const [{ relayStdio }, { VERSION }] = await Promise.all([import('../host/relay.js'), import('../version.js')]);
    return relayStdio({ folder: settings.folder, maxMessageBytes: settings.maxMessageBytes, version: VERSION, log: relayLog });
  }
  const { serveOwnDatabase } = await import('./serve-own-database.js');
  return serveOwnDatabase(cmd);
}
