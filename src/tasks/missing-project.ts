/** What a tool says of a project nothing was ever written to: most often a mistyped name, never a finished board. */
export const noProjectMessage = (projectId: string) =>
  `there is no project "${projectId}": nothing was ever written to it. Check the name (the project argument, TASKLANE_PROJECT or the git repository's name), or start it with write_task_list`;
