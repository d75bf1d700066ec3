import type { App } from '../app.js';
import { createOAuth } from '../auth/oauth.js';
import { ConfigError } from '../config.js';
import type { FolderService } from '../host/folder-service.js';
import { untilStopped } from '../process/until-stopped.js';
import { VERSION } from '../version.js';
import { createBoardRouter } from '../web/router.js';
import { createHttpServer, type HttpOptions } from './http.js';

/**
 * Serves MCP over HTTP until a signal; then drains calls, closes sessions and the database. On an
 * embedded folder it also serves the folder's socket (`folder`): local agents and commands go through it.
 */
export async function serveHttp(app: App, options: HttpOptions, database: string, folder?: FolderService): Promise<void> {
  const tokenHint = 'The token is the TASKLANE_HTTP_TOKEN this server was started with; `tasklane board` on this machine prints a one-time sign-in link.';
  const board = createBoardRouter({ ...app, token: options.token, tokenHint, signIn: folder?.signIn });
  // Named tokens are checked once any exists (or an admin token or OAuth is set): creating the first one turns auth on.
  const oauth = app.config.http.oauth ? await createOAuth(app.config.http.oauth).catch(async (err) => {
    await folder?.close();
    await app.close();
    throw err;
  }) : undefined;
  const named = options.token || oauth || (await app.tokens.list()).length > 0;
  const credentials = named ? { tokens: app.tokens, oauth, resourceMetadataUrl: oauth?.resourceMetadataUrl } : undefined;
  const limits = { maxMessageBytes: app.config.maxMessageBytes, maxSessions: app.config.http.maxSessions, requestTimeoutSeconds: app.config.http.requestTimeoutSeconds };
  const server = createHttpServer(app, { ...limits, credentials, ...options, routes: (web) => web.use(...(oauth ? [oauth.router] : []), board) });
  const { url } = await server.listen().catch(async (err: NodeJS.ErrnoException) => {
    await folder?.close();
    await app.close();
    if (err.code === 'EADDRINUSE') throw new ConfigError(`port ${options.port} on ${options.host} is in use: pick another with --port or TASKLANE_PORT`);
    throw err;
  });
  folder?.publishBoard(new URL(url).origin);
  app.log.info(
    { version: VERSION, transport: 'http', url, auth: credentials ? 'bearer' : 'none', stateless: options.stateless ?? false, database, project: app.defaultProject },
    'tasklane started',
  );
  const life = untilStopped(async (why) => {
    app.log.info({ why }, 'stopping');
    await folder?.close();
    await server.close().catch((err) => app.log.error({ err }, 'closing the http server failed'));
    await app.close();
  });
  await life.stopped;
  app.log.info('stopped');
}
