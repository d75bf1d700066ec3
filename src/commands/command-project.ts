import { ConfigError } from '../config.js';
import { resolveDefaultProject } from '../git/project-name.js';
import { idProblem } from '../tasks/input-rules.js';

/**
 * The project a command works on: --project (held to the tools' rule for a project id), else
 * TASKLANE_PROJECT, else the name of the git repository holding cwd, else `default`.
 */
export async function commandProject(option: unknown, configured: string | undefined, cwd: string): Promise<string> {
  if (typeof option !== 'string') return resolveDefaultProject(configured, cwd);
  const problem = idProblem(option);
  if (problem) throw new ConfigError(`--project: ${problem}`);
  return option;
}
