import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import pino from 'pino';
import { workingTreeRef } from '../git/working-tree.js';
import { CWD_HEADER, PROJECT_HEADER } from '../transports/stdio-proxy.js';
import { startApp } from '../app.js';
import type { Config } from '../config.js';
import { createHttpServer } from '../transports/http.js';
import { createBoardRouter } from '../web/router.js';
import { VERSION } from '../version.js';
import { hostLogPath, removeHostInfo, writeHostInfo } from './host-files.js';

/**
 * The board host: the one process that owns an embedded database folder and serves it over HTTP on a
 * loopback port, with a random token kept in a file only its user can read. It stops by itself after
 * it has had no client for `idleSeconds`.
 */
export async function runBoardHost(config: Config, folder: string): Promise<void> {
  const log = pino({ level: config.logLevel, base: { pid: process.pid, role: 'board-host' } }, pino.destination({ dest: hostLogPath(folder), mkdir: true, mode: 0o600 }));
  try {
    await serve(config, folder, log);
  } catch (err) {
    log.fatal({ err }, (err as Error).message);
    log.flush();
    throw err;
  }
}

/** The proxy of each local agent tells the host that agent's default project and working directory. */
function proxiedClientContext(req: Request, config: Config) {
  const header = (name: string) => {
    const value = req.get(name);
    return value ? decodeURIComponent(value) : undefined;
  };
  const project = header(PROJECT_HEADER);
  const cwd = header(CWD_HEADER);
  return {
    ...(project ? { defaultProject: project } : {}),
    ...(cwd && config.gitAuto ? { gitRef: () => workingTreeRef(cwd) } : {}),
  };
}

async function serve(config: Config, folder: string, log: pino.Logger) {
  const app = await startApp(config, log, { background: true });
  const token = randomBytes(32).toString('hex');
  const http = createHttpServer(app, {
    host: '127.0.0.1',
    port: 0,
    token,
    sessionContext: (req) => proxiedClientContext(req, config),
    routes: (web) => web.use(createBoardRouter({ ...app, token })),
  });
  const { port } = await http.listen();
  const url = `http://127.0.0.1:${port}/mcp`;
  writeHostInfo(folder, { pid: process.pid, url, token, started_at: new Date().toISOString(), version: VERSION, folder });
  log.info({ version: VERSION, url, database: folder, idle_seconds: config.boardHostIdleSeconds }, 'board host started');

  await new Promise<void>((resolve) => {
    let idleSince = Date.now();
    const watch = setInterval(() => {
      if (http.sessionCount() > 0) idleSince = Date.now();
      else if (Date.now() - idleSince >= config.boardHostIdleSeconds * 1000) stop('idle');
    }, 250);
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(watch);
      log.info({ why }, 'board host stopping');
      removeHostInfo(folder, process.pid);
      void http
        .close()
        .then(() => app.close())
        .finally(resolve);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
  });
}
