import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '../log.js';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { TaskBoard } from '../tasks/board.js';
import { VERSION } from '../version.js';
import { registerLessonTools } from './lesson-tools.js';
import { registerTaskTools } from './task-tools.js';

export type ServerDeps = { board: TaskBoard; lessons: LessonBook; log: Logger; defaultProject: string };

const INSTRUCTIONS =
  'Tasklane is a shared task board. Orchestrators write a breakdown with write_task_list and watch read_task_breakdown. ' +
  'Workers loop: get_next_task (claims one, with lessons from earlier work), do the work, mark_task_status with a result (completed or failed), repeat. ' +
  'Record what you learned with record_lesson; search_lessons before a hard step.';

/** One factory for every transport. Build a new server per connection or session: never share one between clients. */
export function createMcpServer(deps: ServerDeps): McpServer {
  const server = new McpServer({ name: 'tasklane', version: VERSION }, { instructions: INSTRUCTIONS });
  const defaultAgent = () => server.server.getClientVersion()?.name ?? null;
  registerTaskTools(server, { board: deps.board, log: deps.log, defaultProject: deps.defaultProject, defaultAgent });
  registerLessonTools(server, { lessons: deps.lessons, log: deps.log, defaultProject: deps.defaultProject, defaultAgent });
  return server;
}
