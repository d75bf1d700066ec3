import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/db/open.js';
import { seededDataFolder } from './helpers/data-folder.js';
import { engines, newProject, testBoard } from './helpers/engines.js';
import { CLI } from './helpers/stdio-client.js';

// The commands people type, through the built bin: what they print is the contract.
describe('a board a newer Tasklane migrated', () => {
  it('is refused in one line that says so and what to do, without a stack', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-cli-newer-'));
    try {
      const folder = seededDataFolder(path.join(root, 'board'));
      const store = await openStore(folder);
      await sql`insert into tasklane_migrations (name, timestamp) values ('9999_from_a_newer_tasklane', now()::text)`.execute(store.db);
      await store.close();
      const env = { ...process.env, TASKLANE_DATABASE_URL: folder, TASKLANE_LOG_LEVEL: 'warn' };
      for (const args of [['status'], ['migrate']]) {
        const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, env, encoding: 'utf8' });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/^tasklane: this database was migrated by a newer Tasklane: it has 9999_from_a_newer_tasklane, .*Run that newer version .*, or point TASKLANE_DATABASE_URL at another database\n$/);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.each(engines)('tasklane status, project and lessons on %s', (engine) => {
  let root: string;
  let url: string;
  const project = newProject('cli');
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-cli-'));
    url = engine === 'pglite' ? seededDataFolder(path.join(root, 'board')) : process.env.TEST_DATABASE_URL!;
    const store = await openStore(url);
    try {
      const board = testBoard(store);
      await board.writeTaskList(project, {
        tasks: [
          { id: 'T1', description: 'done first' },
          { id: 'T2', description: 'ready next', dependencies: ['T1'] },
          { id: 'T3', description: 'waits for T2', dependencies: ['T2'] },
        ],
      });
      await board.nextTask(project, { agent: 'w' });
      await board.markTaskStatus(project, { task_id: 'T1', status: 'completed', agent: 'w' });
    } finally {
      await store.close();
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const tasklane = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--project', project], {
      cwd: root,
      env: { ...process.env, TASKLANE_DATABASE_URL: url, TASKLANE_LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('status prints the project counts in one line', () => {
    const r = tasklane('status');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      `${project}: 3 tasks, 33.3% done — ready 1, pending 2, in progress 0, review 0, completed 1, failed 0, blocked 0, cancelled 0\n`,
    );
  });

  // Each call is a process that opens the database: a few calls, each checking all it prints.
  it('project sets the defaults for new claims and tasks, and shows them', () => {
    const set = tasklane('project', '--lease-seconds', '60', '--max-attempts', '5');
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(new RegExp(`^${project}: .*\n$`));
    expect(set.stdout).toMatch(/lease_seconds\W+60\b/);
    expect(set.stdout).toMatch(/max_attempts\W+5\b/);
    expect(tasklane('project').stdout).toBe(set.stdout);
  });

  it('refuses a --project the tools would refuse, naming it, and changes nothing', async () => {
    fs.writeFileSync(path.join(root, 'tasks.md'), '| ID | Task | Status |\n|----|------|--------|\n| T1 | First | done |\n');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { cwd: root, env: { ...process.env, TASKLANE_DATABASE_URL: url, TASKLANE_LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    const cases = [
      { args: ['import', 'tasks.md', '--project', ''], says: /^tasklane: --project: is empty; an id is 1–200 characters\n$/ },
      { args: ['status', '--project', 'p'.repeat(201)], says: /^tasklane: --project: .*200/ },
      { args: ['project', '--project', ' padded', '--lease-seconds', '60'], says: /^tasklane: --project: begins or ends with whitespace/ },
      { args: ['lessons', 'add', 'a lesson', '--project', 'tab\there'], says: /^tasklane: --project: holds U\+0009/ },
    ];
    for (const { args, says } of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(says);
    }
    const store = await openStore(url);
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from projects where id in ('', ' padded', ${'tab\there'}) or length(id) > 200`.execute(store.db);
      expect(rows[0].n).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('status and export refuse a project nothing was written to, suggesting the one meant; the file is left alone', () => {
    const typo = `${project.slice(0, -1)}${project.endsWith('x') ? 'y' : 'x'}`;
    const tracker = path.join(root, 'TASK-STATUS.md');
    fs.writeFileSync(tracker, 'kept as it is\n');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args, '--project', typo], { cwd: root, env: { ...process.env, TASKLANE_DATABASE_URL: url, TASKLANE_LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    for (const args of [['status'], ['export'], ['export', '--out', tracker]]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^tasklane: there is no project "${typo}" on this board: nothing was ever written to it; did you mean "${project}"\\? \\(--project picks one of the \\d+ on this board\\)\n$`));
    }
    expect(fs.readFileSync(tracker, 'utf8')).toBe('kept as it is\n');
  });

  it('export --out names the file as given and why it cannot be written, leaving nothing behind', () => {
    const out = fs.mkdtempSync(path.join(root, 'out-'));
    fs.writeFileSync(path.join(out, 'a-file'), 'not a folder');
    const cases = [
      { file: out, says: `is a folder; give the file to write, e.g. ${path.join(out, 'TASK-STATUS.md')}` },
      { file: path.join(out, 'a-file', 'status.md'), says: 'cannot write it: a part of its path is a file, not a folder' },
      { file: path.join(out, 'a-file', 'deeper', 'status.md'), says: 'cannot write it: a part of its path is a file, not a folder' },
    ];
    for (const { file, says } of cases) {
      const r = tasklane('export', '--out', file);
      expect(r, file).toMatchObject({ code: 1, stdout: '', stderr: `tasklane: --out ${file}: ${says}\n` });
    }
    expect(fs.readdirSync(out)).toEqual(['a-file']);
  });

  it('lessons add records a lesson and lessons search finds it, in short human lines', () => {
    const added = tasklane('lessons', 'add', 'Strip the UTF-8 BOM before parsing CSV', '--tags', 'csv,import', '--title', 'CSV BOM');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^lesson (\d+) recorded \(project\): CSV BOM; embedding disabled\n$/);
    const id = /^lesson (\d+)/.exec(added.stdout)![1];
    const found = tasklane('lessons', 'search', 'BOM', 'parsing');
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(new RegExp(`^1 lesson\\(s\\), lexical \\(.+\\)\\n#${id} \\[[\\d.]+, lexical\\] CSV BOM\\nStrip the UTF-8 BOM before parsing CSV\\n$`));
  });
});
