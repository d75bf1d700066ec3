import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededDataFolder } from './helpers/data-folder.js';
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

  it('says in one line what is wrong with the database it was given, without a stack trace, and makes nothing', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-bad-db-'));
    const status = (url: string) => spawnSync(process.execPath, [CLI, 'status'], { cwd, env: { ...process.env, TASKLANE_DATABASE_URL: url }, encoding: 'utf8' });
    try {
      const cases: Array<[string, RegExp]> = [
        ['mysql://app@db/tasks', /^tasklane: invalid environment: TASKLANE_DATABASE_URL: mysql:\/\/ is not a database Tasklane opens; give postgres:\/\/…, a folder/],
        ['postgres://app@127.0.0.1:1/tasks', /^tasklane: cannot reach the database server at 127\.0\.0\.1:1: ECONNREFUSED; check TASKLANE_DATABASE_URL/],
        ['postgres://app@no-such-host.invalid/tasks', /^tasklane: cannot reach the database server \(no host named no-such-host\.invalid\): (ENOTFOUND|EAI_AGAIN); check/],
      ];
      const server = process.env.TEST_DATABASE_URL;
      if (server) {
        const missing = new URL(server);
        missing.pathname = '/tasklane_no_such_database';
        cases.push([missing.toString(), /^tasklane: the database that TASKLANE_DATABASE_URL names does not exist on the server: create it/]);
      }
      for (const [url, says] of cases) {
        const r = status(url);
        expect(r.status, url).toBe(1);
        expect(r.stderr, url).toMatch(says);
        expect(r.stderr.trim().split('\n'), url).toHaveLength(1);
      }
      expect(fs.readdirSync(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('says what each command does with --help, and prints no log line', () => {
    const help = run('export', '--help');
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: tasklane export \[--project P\] \[--format md\|json\|tasks-md\|taskmaster\]/);
    expect(run('help', 'board').stdout).toMatch(/one-time sign-in link/);
    expect(run('--help').stdout).toMatch(/tasklane migrate/);
  });
});

describe('tasklane started by a person', () => {
  // `script` gives the bin a terminal for stdin, as `npm start` in a shell does; an agent's pipe gets no hint.
  it('says on a terminal that agents start it, and the line that registers this copy', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-tty-'));
    const env = { ...process.env, HOME: home, TASKLANE_BOARD_HOST: 'off', TASKLANE_DATABASE_URL: seededDataFolder(path.join(home, 'db')), TASKLANE_LOG_LEVEL: 'warn' };
    const tty = spawn('script', ['-qec', `${process.execPath} ${CLI}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let seen = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no hint in 30 s: ${seen}`)), 30_000);
        tty.stdout.on('data', (d: Buffer) => {
          seen += d.toString('utf8');
          if (seen.includes('tasklane --help')) (clearTimeout(timer), resolve());
        });
      });
      expect(seen).toMatch(/an agent starts it, not a person/);
      expect(seen).toContain(`claude mcp add tasklane -- ${process.execPath} ${fs.realpathSync(CLI)}`);
      tty.kill('SIGKILL');
      const piped = spawnSync(process.execPath, [CLI], { env, input: '', encoding: 'utf8' });
      expect(piped.stderr).not.toMatch(/not a person/);
    } finally {
      tty.kill('SIGKILL');
      // After the piped run too: it opens the folder under home again.
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
