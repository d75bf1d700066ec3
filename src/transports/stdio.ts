import type { App } from '../app.js';
import { createMcpServer } from '../mcp/server.js';
import { untilStopped } from '../process/until-stopped.js';
import { LineTransport } from './line-transport.js';

/**
 * Serves MCP on stdin/stdout until the input ends (every request received is answered first) or a
 * signal arrives; then closes the database.
 */
export async function serveStdio(app: App): Promise<void> {
  const server = createMcpServer({ board: app.board, lessons: app.lessons, log: app.log, defaultProject: app.defaultProject, gitRef: app.gitRef });
  const transport = new LineTransport(process.stdin, process.stdout, { maxMessageBytes: app.config.maxMessageBytes });
  const life = untilStopped(async (why) => {
    app.log.info({ why }, 'stopping');
    await server.close().catch(() => {});
    await app.close();
  });
  transport.onclose = () => void life.stop('stdin closed');
  transport.onerror = (err) => app.log.debug({ err: err.message }, 'stdio stream');
  await server.connect(transport);
  await life.stopped;
}
