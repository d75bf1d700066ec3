import fs from 'node:fs';
import path from 'node:path';
import type { BacklogFile } from './parse-backlog-md.js';

const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isBacklogRoot = (dir: string) => isDir(path.join(dir, 'tasks')) || fs.existsSync(path.join(dir, 'config.yml'));

/**
 * The files of a Backlog.md folder (its Markdown files and config.yml, paths relative to it with `/`),
 * given the `backlog/` folder or the project folder that holds one; undefined when it is neither.
 */
export function readBacklogFolder(dir: string): { root: string; files: BacklogFile[] } | undefined {
  const root = [path.join(dir, 'backlog'), dir].find((d) => isDir(d) && isBacklogRoot(d));
  if (!root) return undefined;
  const files = fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? (e as { path?: string }).path ?? root, e.name)).split(path.sep).join('/'))
    .filter((p) => p.endsWith('.md') || p === 'config.yml')
    .sort()
    .map((p) => ({ path: p, text: fs.readFileSync(path.join(root, p), 'utf8') }));
  return { root, files };
}
