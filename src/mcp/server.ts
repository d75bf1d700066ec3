import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GitRef } from '../git/working-tree.js';
import type { Logger } from '../log.js';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { TaskBoard } from '../tasks/board.js';
import { idProblem } from '../tasks/input-rules.js';
import { VERSION } from '../version.js';
import { guardAccess } from './access-guard.js';
import { compactToolList } from './compact-tool-list.js';
import { answerInvalidInputs } from './input-errors.js';
import { registerLessonTools } from './lesson-tools.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTaskTools } from './task-tools.js';
import { registerTrackerTools } from './tracker-tools.js';

export type ServerDeps = {
  board: TaskBoard;
  lessons: LessonBook;
  log: Logger;
  defaultProject: string;
  gitRef?: () => Promise<GitRef>;
  /** False while the database is still opening (a board host that answers at once): lists skip the tasks. */
  boardOpen?: () => boolean;
};

const INSTRUCTIONS =
  'Tasklane is a shared task board. Orchestrators write a breakdown with write_task_list and watch read_task_breakdown. ' +
  'Workers loop: get_next_task (claims one, with lessons from earlier work), do the work, mark_task_status with a result (completed or failed), repeat. ' +
  'Record what you learned with record_lesson; search_lessons before a hard step.';

/** One factory for every transport. Build a new server per connection or session: never share one between clients. */
export function createMcpServer(deps: ServerDeps): McpServer {
  const server = new McpServer({ name: 'tasklane', version: VERSION }, { instructions: INSTRUCTIONS });
  const ctx = {
    board: deps.board,
    log: deps.log,
    defaultProject: deps.defaultProject,
    // The client's name stands in for a missing `agent` only when it is a valid id (input-rules.ts).
    defaultAgent: () => {
      const name = server.server.getClientVersion()?.name;
      return name !== undefined && idProblem(name) === undefined ? name : null;
    },
    gitRef: deps.gitRef,
    boardOpen: deps.boardOpen,
  };
  registerTaskTools(server, ctx);
  registerLessonTools(server, { ...ctx, lessons: deps.lessons });
  registerTrackerTools(server, ctx);
  registerResources(server, ctx);
  registerPrompts(server, { ...ctx, lessons: deps.lessons });
  compactToolList(server);
  answerInvalidInputs(server, deps.log);
  guardAccess(server, deps.log, deps.defaultProject);
  return server;
}
