import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import type { TaskBoard } from '../../src/tasks/board.js';
import { type BoardDeps, createBoardRouter } from '../../src/web/router.js';

/** Mounts the board router on a plain express app on 127.0.0.1 and a free port (the MCP HTTP server does this for real). */
export async function serveBoardForTests(deps: Partial<BoardDeps> & { board: TaskBoard; defaultProject: string }) {
  const app = express();
  app.use(createBoardRouter({ log: pino({ level: 'silent' }), ...deps }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
