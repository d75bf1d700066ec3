import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { committedTracker, sameTrackerFiles, writeStreamed } from '../src/trackers/tracker-files.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-tracker-files-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

const tracker = (generated: string, status: string) =>
  `# p — Task Status Tracker\n\n**Generated:** ${generated}\n\n| ID | Task | Status |\n| --- | --- | --- |\n| T1 | one | ${status} |\n`;

describe('tracker files', () => {
  it('writes what a producer streams, waiting on a full buffer', async () => {
    const file = path.join(root, 'streamed.txt');
    const line = `${'x'.repeat(1023)}\n`;
    await writeStreamed(file, async (sink) => {
      for (let i = 0; i < 2000; i++) await sink(line);
    });
    expect(fs.statSync(file).size).toBe(2000 * 1024);
  });

  it('compares large trackers line by line apart from their export times', async () => {
    const [a, b, c] = ['a.md', 'b.md', 'c.md'].map((f) => path.join(root, f));
    fs.writeFileSync(a, tracker('2026-01-01T00:00:00.000Z', 'RUNNING'));
    fs.writeFileSync(b, tracker('2026-02-02T00:00:00.000Z', 'RUNNING'));
    fs.writeFileSync(c, tracker('2026-02-02T00:00:00.000Z', 'DONE'));
    for (const parsedMax of [0, undefined]) {
      expect(await sameTrackerFiles(a, b, parsedMax)).toBe(true);
      expect(await sameTrackerFiles(a, c, parsedMax)).toBe(false);
    }
    fs.writeFileSync(c, `${tracker('2026-02-02T00:00:00.000Z', 'RUNNING')}| T2 | two | DONE |\n`);
    expect(await sameTrackerFiles(a, c, 0)).toBe(false);
  });

  it('tells a large tracker committed as it is from one changed since, by git', async () => {
    const repo = path.join(root, 'repo');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.name', 'Tasklane Test');
    git(repo, 'config', 'user.email', 'test@tasklane.invalid');
    const file = path.join(repo, 'TASK-STATUS.md');
    fs.writeFileSync(file, tracker('2026-01-01T00:00:00.000Z', 'RUNNING'));
    expect(await committedTracker(file, 0)).toEqual({ same: false, message: 'status: sync' });
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'init');
    expect(await committedTracker(file, 0)).toEqual({ same: true, message: 'status: sync' });
    fs.writeFileSync(file, tracker('2026-01-01T00:00:00.000Z', 'DONE'));
    expect(await committedTracker(file, 0)).toEqual({ same: false, message: 'status: sync' });
    expect(await committedTracker(file)).toMatchObject({ same: false, message: 'status: T1 → completed' });
  });
});
