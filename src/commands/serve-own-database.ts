import fs from 'node:fs';
import { type App, startApp } from '../app.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { lockFolder } from '../db/folder-lock.js';
import { serveFolder } from '../host/folder-service.js';
import { STDIO_ROLE } from '../host/host-files.js';
import { embeddedFolder } from '../local-settings.js';
import { createLogger, type Logger } from '../log.js';
import type { HttpOptions } from '../transports/http.js';
import { assertSafeBinding } from '../transports/http-guards.js';
import { serveHttp } from '../transports/http-serve.js';
import { serveStdio } from '../transports/stdio.js';
import { VERSION } from '../version.js';
import type { ParsedCommand } from './command-io.js';

const describe = (app: App) => `${app.store.engine} ${app.store.location}`;

/** A server that opens the database itself: on Postgres, with TASKLANE_BOARD_HOST=off, or over HTTP. */
export async function serveOwnDatabase(cmd: ParsedCommand): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (cmd.values.http) {
    await serveOverHttp(config, log, httpOptions(config, cmd.values));
    return 0;
  }
  const app = await startApp(config, log, { background: true, role: STDIO_ROLE });
  log.info({ version: VERSION, transport: 'stdio', database: describe(app), project: app.defaultProject }, 'tasklane started');
  await serveStdio(app);
  return 0;
}

/** On an embedded folder `serve --http` is a board host too: it serves the folder's socket to local agents and commands. */
async function serveOverHttp(config: Config, log: Logger, options: HttpOptions): Promise<void> {
  assertSafeBinding(options.host, options.token ?? config.http.oauth?.issuer, options.insecureNoAuth ?? false);
  const folder = embeddedFolder(config.databaseUrl);
  if (!folder) {
    const app = await startApp(config, log, { background: true });
    return serveHttp(app, options, describe(app));
  }
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const lock = lockFolder(folder, 'serve --http');
  const opening = startApp(config, log, { background: true, lock });
  const service = await serveFolder({ folder, role: 'serve --http', config, log, opening, token: options.token });
  const app = await opening.catch(async (err) => {
    await service.close();
    throw err;
  });
  return serveHttp(app, options, describe(app), service);
}

/** The HTTP settings from the environment, overridden by flags. */
function httpOptions(config: Config, flags: Record<string, string | boolean | undefined>): HttpOptions {
  let port = config.http.port;
  if (typeof flags.port === 'string') {
    port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535) throw new ConfigError(`--port: "${flags.port}" is not a port number (0–65535)`);
  }
  return {
    host: typeof flags.host === 'string' ? flags.host : config.http.host,
    port,
    token: config.http.token,
    stateless: flags.stateless === true || config.http.stateless,
    allowedHosts: config.http.allowedHosts,
    sessionIdleSeconds: config.http.sessionIdleSeconds,
    insecureNoAuth: flags['insecure-no-auth'] === true,
  };
}
