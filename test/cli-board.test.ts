import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './helpers/stdio-client.js';

describe('tasklane board', () => {
  it('prints the URL of the board of `serve --http` on the configured port when no board host serves the database', () => {
    const out = execFileSync(process.execPath, [CLI, 'board', '--project', 'my app'], {
      env: { ...process.env, TASKLANE_PORT: '7555', TASKLANE_BOARD_HOST: 'off' },
      encoding: 'utf8',
    });
    expect(out).toBe('http://127.0.0.1:7555/board?project=my%20app\n');
  });
});

describe('the command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

  it('refuses an unknown command, option or action with the closest match, changing nothing', () => {
    expect(run('stauts')).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^tasklane: unknown command "stauts"; did you mean status\?/) });
    expect(run('export', '--fromat', 'json')).toMatchObject({ status: 2, stderr: expect.stringMatching(/unknown option --fromat; did you mean --format\?/) });
    expect(run('lessons', 'serach', 'x')).toMatchObject({ status: 2, stderr: expect.stringMatching(/unknown action "serach"; did you mean search\?/) });
    expect(run('import')).toMatchObject({ status: 2, stderr: expect.stringMatching(/import: missing arguments; usage: tasklane import FILE/) });
    expect(run('status', 'extra')).toMatchObject({ status: 2, stderr: expect.stringMatching(/unexpected argument "extra"/) });
  });

  it('says what each command does with --help, and prints no log line', () => {
    const help = run('export', '--help');
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: tasklane export \[--project P\] \[--format md\|json\|tasks-md\|taskmaster\]/);
    expect(run('help', 'board').stdout).toMatch(/one-time sign-in link/);
    expect(run('--help').stdout).toMatch(/tasklane migrate/);
  });
});
