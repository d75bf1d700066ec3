import fs from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';

export class NotARepositoryError extends Error {}

/** Throws NotARepositoryError unless the folder that will hold `file` (or its nearest existing parent) is in a git repository. */
export async function requireRepository(file: string): Promise<void> {
  let dir = path.dirname(path.resolve(file));
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (!(await simpleGit({ baseDir: dir }).checkIsRepo())) throw new NotARepositoryError(`${path.dirname(path.resolve(file))} is not inside a git repository; --commit needs one`);
}

/** The file as committed at HEAD, or undefined when it is new (or there is no commit yet). */
export async function committedText(file: string): Promise<string | undefined> {
  await requireRepository(file);
  const git = simpleGit({ baseDir: path.dirname(path.resolve(file)) });
  const top = (await git.revparse(['--show-toplevel'])).trim();
  const rel = path.relative(top, path.resolve(file)).split(path.sep).join('/');
  return git.show([`HEAD:${rel}`]).catch(() => undefined);
}

/** Commits this one file with the message (other staged changes stay out of it); never pushes. Returns the commit. */
export async function commitFile(file: string, message: string): Promise<string> {
  const abs = path.resolve(file);
  const git = simpleGit({ baseDir: path.dirname(abs) });
  await git.add(abs);
  const result = await git.commit(message, [abs]);
  return result.commit;
}

/** Whether the file is committed at HEAD as it is now (tracked, with no change). */
export async function fileIsCommitted(file: string): Promise<boolean> {
  const abs = path.resolve(file);
  await requireRepository(abs);
  const git = simpleGit({ baseDir: path.dirname(abs) });
  const tracked = await git.raw(['ls-files', '--', abs]);
  return tracked.trim() !== '' && (await git.raw(['status', '--porcelain', '--', abs])).trim() === '';
}
