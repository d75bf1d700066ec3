import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { App } from '../app.js';
import { createMcpServer } from '../mcp/server.js';

/** Serves MCP on stdin/stdout until the client goes away or a signal arrives; then closes the database. */
export async function serveStdio(app: App): Promise<void> {
  const server = createMcpServer({ board: app.board, lessons: app.lessons, log: app.log, defaultProject: app.defaultProject, gitRef: app.gitRef });
  const transport = new StdioServerTransport();
  let stopping: Promise<void> | undefined;
  const stop = (why: string) => {
    stopping ??= (async () => {
      app.log.info({ why }, 'stopping');
      await server.close().catch(() => {});
      await app.close();
    })();
    return stopping;
  };
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    process.stdin.once('end', () => void stop('stdin closed').then(resolve));
    process.stdin.once('close', () => void stop('stdin closed').then(resolve));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => void stop(signal).then(resolve));
    }
  });
}
