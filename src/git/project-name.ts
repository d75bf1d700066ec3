import path from 'node:path';
import { simpleGit } from 'simple-git';

/**
 * The name of the git repository that holds `cwd`: the folder name of its main working tree, so
 * that every worktree of one repository lands on the same project. Undefined outside a repository.
 */
export async function gitProjectName(cwd: string): Promise<string | undefined> {
  try {
    const git = simpleGit({ baseDir: cwd });
    if (!(await git.checkIsRepo())) return undefined;
    const commonDir = (await git.revparse(['--path-format=absolute', '--git-common-dir'])).trim();
    const topLevel = path.basename(commonDir) === '.git' ? path.dirname(commonDir) : commonDir.replace(/\.git$/, '');
    return path.basename(topLevel) || undefined;
  } catch {
    return undefined;
  }
}

export async function resolveDefaultProject(configured: string | undefined, cwd: string): Promise<string> {
  return configured ?? (await gitProjectName(cwd)) ?? 'default';
}
