import type { ParsedTracker } from './types.js';

/**
 * The project each board of a file goes to. A Taskmaster tag is a board of its own, as it is in
 * Taskmaster (its own ids, its own next task): the `master` tag (or, without one, the first tag)
 * goes to `project`, every other tag to `<project>-<tag>`. Files of other formats have one board.
 */
export function boardProjects(project: string, boards: ParsedTracker[]): Array<{ project: string; input: ParsedTracker }> {
  const main = Math.max(0, boards.findIndex((b) => b.tag === 'master'));
  return boards.map((input, i) => ({ project: i === main || input.tag === undefined ? project : `${project}-${input.tag}`, input }));
}
