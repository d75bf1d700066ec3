import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitProjectName, resolveDefaultProject } from '../src/git/project-name.js';
import { workingTreeRef } from '../src/git/working-tree.js';
import { sameTracker, statusCommitMessage } from '../src/trackers/status-commit-message.js';
import { sample } from './helpers/formats.js';

describe('git helpers', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-git-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const git = (cwd: string, ...args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8' }).stdout.trim();

  it('reads nothing outside a repository or before its first commit, then the branch and HEAD', async () => {
    expect(await workingTreeRef(root)).toEqual({});
    const repo = path.join(root, 'r');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'work');
    expect(await workingTreeRef(repo)).toEqual({});
    git(repo, 'config', 'user.name', 'T');
    git(repo, 'config', 'user.email', 't@tasklane.invalid');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
    expect(await workingTreeRef(repo)).toEqual({ branch: 'work', commit_sha: git(repo, 'rev-parse', 'HEAD') });
    git(repo, 'checkout', '-q', '--detach');
    expect(await workingTreeRef(repo)).toEqual({ commit_sha: git(repo, 'rev-parse', 'HEAD') });
  });

  it('names the project after the repository folder, the same from every worktree', async () => {
    const repo = path.join(root, 'billing-service');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.name', 'T');
    git(repo, 'config', 'user.email', 't@tasklane.invalid');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
    git(repo, 'worktree', 'add', '-q', path.join(root, 'elsewhere-wt'), '-b', 'feature');
    expect(await gitProjectName(path.join(repo, 'src'))).toBe('billing-service');
    expect(await gitProjectName(path.join(root, 'elsewhere-wt'))).toBe('billing-service');
    expect(await resolveDefaultProject(undefined, os.tmpdir())).toBe('default');
    expect(await resolveDefaultProject('set', repo)).toBe('set');
  });

  it('names the one task whose status changed, else says sync', () => {
    const before = sample('tasks.md');
    const one = before.replace('| CK-PAY-002 | in-progress |', '| CK-PAY-002 | done |');
    const two = one.replace('| CK-WEB-001 | not-started |', '| CK-WEB-001 | in-progress |');
    expect(statusCommitMessage(before, one)).toBe('status: CK-PAY-002 → completed');
    expect(statusCommitMessage(before, two)).toBe('status: sync');
    expect(statusCommitMessage(undefined, before)).toBe('status: sync');
    expect(sameTracker(before, before.replace('# Tasks', '# Tasks board'))).toBe(true);
    expect(sameTracker(before, one)).toBe(false);
  });
});
