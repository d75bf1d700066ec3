import type { TaskBoard } from '../tasks/board.js';
import { closest } from '../closest-word.js';
import { UsageError } from '../tracker-commands.js';

/** How many project ids a suggestion is looked for among; a list is shown up to LISTED. */
const LOOKED_AT = 10_000;
const LISTED = 5;

/**
 * Refuses a command on a project nothing was ever written to (a mistyped --project or TASKLANE_PROJECT
 * would otherwise read as an empty board, and an export would write an empty tracker over a real one).
 */
export async function requireProject(board: TaskBoard, project: string): Promise<void> {
  if (await board.projectExists(project)) return;
  const { ids, total } = await board.projectIds(LOOKED_AT);
  const meant = closest(project, ids);
  const known =
    total === 0
      ? 'the board has no project yet: start one with write_task_list or `tasklane import FILE`'
      : meant
        ? `did you mean "${meant}"? (--project picks one of the ${total} on this board)`
        : total <= LISTED
          ? `projects on this board: ${ids.join(', ')} (--project picks one)`
          : `--project picks one of the ${total} on this board`;
  throw new UsageError(`there is no project "${project}" on this board: nothing was ever written to it; ${known}`);
}
