import pino from 'pino';
import type { App } from '../app.js';
import type { Config } from '../config.js';
import { lockFolder } from '../db/folder-lock.js';
import { untilStopped } from '../process/until-stopped.js';
import { VERSION } from '../version.js';
import { newBoardToken, serveFolder } from './folder-service.js';
import { hostInfoPath, hostLogPath } from './host-files.js';

/**
 * The board host: the one process that owns an embedded database folder. Agents and CLI commands reach
 * it over the folder's local socket (served at once, before the database is open); people reach its
 * web board over HTTP on a loopback port, signed in with a token kept in a file only its user can read.
 * It stops by itself after it has had no client for `boardHostIdleSeconds`.
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

const OPEN_AFTER_MS = 1000;

async function serve(config: Config, folder: string, log: pino.Logger) {
  const lock = lockFolder(folder, 'board host');
  // The socket first: it needs only the MCP server. The database opens when a call first needs it, or
  // OPEN_AFTER_MS after the socket listens: the agent that started the host has its lists answered
  // meanwhile, not behind seconds of loading the engines and unpacking or opening the database.
  let openNow!: () => void;
  let soon: NodeJS.Timeout | undefined;
  const opened = new Promise<void>((resolve) => (openNow = resolve)).then(async () => {
    clearTimeout(soon);
    const { startApp } = await import('../app.js');
    // The HTTP side loads while the database opens, not after it, ahead of the calls waiting for it.
    const [app, http, web] = await Promise.all([startApp(config, log, { background: true, lock }), import('../transports/http.js'), import('../web/router.js')]);
    return { app, createHttpServer: http.createHttpServer, createBoardRouter: web.createBoardRouter };
  });
  const opening: Promise<App> = opened.then((o) => o.app);
  const token = newBoardToken();
  const service = await serveFolder({ folder, role: 'board host', config, log, opening, needed: () => openNow(), token });
  log.info({ version: VERSION, database: folder, idle_seconds: config.boardHostIdleSeconds }, 'board host listening');
  soon = setTimeout(() => openNow(), OPEN_AFTER_MS);
  const { app, createHttpServer, createBoardRouter } = await opened.catch(async (err) => {
    await new Promise((r) => setTimeout(r, 200)); // let waiting calls receive their error first
    await service.close();
    throw err;
  });
  const tokenHint = `Run \`tasklane board\` in a terminal for a one-time sign-in link; the token itself is in ${hostInfoPath(folder)}.`;
  const http = createHttpServer(app, {
    host: '127.0.0.1',
    port: 0,
    token,
    routes: (web) => web.use(createBoardRouter({ ...app, token, tokenHint, signIn: service.signIn })),
  });
  const { port } = await http.listen();
  service.publishBoard(`http://127.0.0.1:${port}`);
  log.info({ board: `http://127.0.0.1:${port}/board` }, 'board host started');

  const life = untilStopped(async (why) => {
    clearInterval(watch);
    log.info({ why }, 'board host stopping');
    await service.close();
    await http.close();
    await app.close();
  });
  let idleSince = Date.now();
  const watch = setInterval(() => {
    if (service.connections() > 0 || http.sessionCount() > 0) idleSince = Date.now();
    else if (Date.now() - idleSince >= config.boardHostIdleSeconds * 1000) void life.stop('idle');
  }, 250);
  await life.stopped;
}
