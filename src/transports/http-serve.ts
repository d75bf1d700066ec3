import type { App } from '../app.js';
import { ConfigError } from '../config.js';
import { VERSION } from '../version.js';
import { createBoardRouter } from '../web/router.js';
import { createHttpServer, type HttpOptions } from './http.js';

/** Serves MCP over HTTP until SIGTERM/SIGINT; then drains calls, closes sessions and the database. */
export async function serveHttp(app: App, options: HttpOptions, database: string): Promise<void> {
  const limits = { maxMessageBytes: app.config.maxMessageBytes, maxSessions: app.config.http.maxSessions, requestTimeoutSeconds: app.config.http.requestTimeoutSeconds };
  const server = createHttpServer(app, { ...limits, ...options, routes: (web) => web.use(createBoardRouter({ ...app, token: options.token })) });
  const { url } = await server.listen().catch(async (err: NodeJS.ErrnoException) => {
    await app.close();
    if (err.code === 'EADDRINUSE') throw new ConfigError(`port ${options.port} on ${options.host} is in use: pick another with --port or TASKLANE_PORT`);
    throw err;
  });
  app.log.info(
    { version: VERSION, transport: 'http', url, auth: options.token ? 'bearer' : 'none', stateless: options.stateless ?? false, database, project: app.defaultProject },
    'tasklane started',
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ why: signal }, 'stopping');
      void server
        .close()
        .catch((err) => app.log.error({ err }, 'closing the http server failed'))
        .then(() => app.close())
        .then(resolve);
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(signal));
  });
  app.log.info('stopped');
}
