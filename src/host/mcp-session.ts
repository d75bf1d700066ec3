import type net from 'node:net';
import type { Config } from '../config.js';
import { resolveDefaultProject } from '../git/project-name.js';
import { workingTreeRef } from '../git/working-tree.js';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { Logger } from '../log.js';
import { createMcpServer } from '../mcp/server.js';
import type { TaskBoard } from '../tasks/board.js';
import { LineTransport } from '../transports/line-transport.js';

export type SessionDeps = { board: TaskBoard; lessons: LessonBook; log: Logger; boardOpen: () => boolean; maxMessageBytes: number };

/**
 * One agent's MCP session on the host's socket: its own server (never shared between clients), with
 * the agent's default project (its TASKLANE_PROJECT, else its git repository) and working directory.
 */
export async function serveMcpSession(socket: net.Socket, head: Buffer, client: { settings: Config; cwd: string }, deps: SessionDeps): Promise<void> {
  const defaultProject = await resolveDefaultProject(client.settings.project, client.cwd);
  const server = createMcpServer({
    board: deps.board,
    lessons: deps.lessons,
    log: deps.log,
    defaultProject,
    gitRef: client.settings.gitAuto ? () => workingTreeRef(client.cwd) : undefined,
    boardOpen: deps.boardOpen,
  });
  const transport = new LineTransport(socket, socket, { maxMessageBytes: deps.maxMessageBytes, head, endOutput: true });
  transport.onclose = () => {
    void server.close().catch(() => {});
    socket.destroy();
  };
  transport.onerror = (err) => deps.log.debug({ err: err.message }, 'session socket');
  // A relay ends its side only once every answer has come back (relay.ts), so an end with calls still in
  // flight means the agent's tasklane is gone: nobody can read their answers, and they are cancelled (a
  // get_next_task waiting for work then claims nothing).
  socket.once('end', () => void server.close().catch(() => {}));
  await server.connect(transport);
}
