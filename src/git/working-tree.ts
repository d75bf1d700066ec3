import { simpleGit } from 'simple-git';

export type GitRef = { branch?: string; commit_sha?: string };

/** The branch and HEAD commit of the working tree at cwd; empty outside a repository or before the first commit. */
export async function workingTreeRef(cwd: string): Promise<GitRef> {
  try {
    const git = simpleGit({ baseDir: cwd });
    if (!(await git.checkIsRepo())) return {};
    const ref: GitRef = {};
    const branch = (await git.revparse(['--abbrev-ref', 'HEAD']).catch(() => '')).trim();
    if (branch && branch !== 'HEAD') ref.branch = branch;
    const sha = (await git.revparse(['HEAD']).catch(() => '')).trim();
    if (/^[0-9a-f]{40,64}$/.test(sha)) ref.commit_sha = sha;
    return ref;
  } catch {
    return {};
  }
}
