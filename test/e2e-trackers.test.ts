import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDataFolder } from './helpers/data-folder.js';
import { engines, newProject } from './helpers/engines.js';
import { FORMATS_DIR, sample } from './helpers/formats.js';
import { stopBoardHost } from './helpers/folders.js';
import { CLI, connectStdio, text, tokens } from './helpers/stdio-client.js';

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

/** A fresh repository with one commit and a local identity (never the machine's). */
function tempRepo(root: string, name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Tasklane Test');
  git(dir, 'config', 'user.email', 'test@tasklane.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  fs.writeFileSync(path.join(dir, 'README.md'), 'repo\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

describe.each(engines)('trackers, git, resources and prompts end to end on %s', (engine) => {
  let root: string;
  let url: string;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-trackers-'));
    url = engine === 'pglite' ? seededDataFolder(path.join(root, 'board')) : process.env.TEST_DATABASE_URL!;
  });
  afterAll(() => {
    // The stdio agents below start a board host on the folder: it lets go of the folder before it goes.
    if (engine === 'pglite') stopBoardHost(url);
    fs.rmSync(root, { recursive: true, force: true });
  });

  // Each call opens the folder itself (no board host runs): seconds each on a loaded machine.
  const cli = (args: string[], cwd = root) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TASKLANE_DATABASE_URL: url, TASKLANE_LOG_LEVEL: 'warn' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('imports with the CLI, reports counts and skipped lines, previews with --dry-run, and is idempotent', () => {
    const project = newProject('cli');
    const dry = cli(['import', path.join(FORMATS_DIR, 'tasks-extra-columns.md'), '--project', project, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry run \(nothing kept\): would import tasks-md into cli-\w+: 3 created/);
    expect(dry.stdout).toMatch(/line 9: BE-3\.estimate_tokens: "lots"/);
    expect(dry.stdout).toMatch(/BE-3\.dependencies: "BE-9" is no task/);
    const first = cli(['import', path.join(FORMATS_DIR, 'TASK-STATUS.md'), '--project', project]);
    expect(first.stdout).toMatch(/imported task-status-md .*: 7 created, 0 updated, 0 unchanged, 1 events added/);
    expect(first.stdout).toMatch(/by status: completed 1, in_progress 1, pending 2, review 1, blocked 1, failed 1/);
    expect(first.stdout).toMatch(/line 8: a table without id and task columns \(Status \| Code \| Description\)/);
    const second = cli(['import', path.join(FORMATS_DIR, 'TASK-STATUS.md'), '--project', project, '--format', 'task-status']);
    expect(second.stdout).toMatch(/0 created, 0 updated, 7 unchanged, 0 events added/);
    const json = JSON.parse(cli(['export', '--format', 'json', '--project', project]).stdout);
    expect(json).toMatchObject({ project, total_tasks: 7 });
    expect(json.tasks.map((t: { id: string }) => t.id)).not.toContain('BE-1');
    const bad = cli(['import', path.join(FORMATS_DIR, 'tasks.md'), '--format', 'yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--format: "yaml" is not a tracker format/);
    // Every failure is one line with the fix, exit 1, and nothing imported.
    fs.writeFileSync(path.join(root, 'notes.txt'), 'call the plumber\nbuy milk, maybe\n');
    fs.writeFileSync(path.join(root, 'settings.json'), '{"theme": "dark"}\n');
    for (const [args, line] of [
      [['import', 'missing.json'], /^tasklane: .*missing\.json: no such file or folder; give the path of a tracker file or of a Backlog\.md backlog\/ folder\n$/],
      [['import', 'notes.txt'], /^tasklane: notes\.txt: no tasks found \(read as tasks-md\); an import reads task-breakdown\.json, .*Taskmaster.*Beads.*backlog\/ folder — give --format json\|tasks-md\|.*\n$/],
      [['import', 'settings.json'], /^tasklane: settings\.json: no tasks found \(read as task-breakdown-json: no "tasks" array found.*\); an import reads .*\n$/],
    ] as const) {
      const r = cli([...args, '--project', project]);
      expect(r, args.join(' ')).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toMatch(line);
    }
    expect(JSON.parse(cli(['export', '--format', 'json', '--project', project]).stdout)).toMatchObject({ total_tasks: 7 });
  }, 180_000);

  /** The bin's stdout, read only after a pause. */
  const slowlyRead = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env: { ...process.env, TASKLANE_DATABASE_URL: url, TASKLANE_LOG_LEVEL: 'warn' } });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c)).pause();
      setTimeout(() => child.stdout.resume(), 1000);
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`exit ${code}`))));
    });

  it('imports a whole Taskmaster board (a project per tag) and a Backlog.md folder with the CLI, and exports to Taskmaster', async () => {
    const base = newProject('tm');
    const first = cli(['import', path.join(FORMATS_DIR, 'taskmaster', 'tasks.json'), '--project', base]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^imported taskmaster-json, 9 tags into a project each: 1096 created, 0 updated, 0 unchanged/);
    expect(first.stdout).toContain(`  tag master → ${base}: 628 tasks (628 created, 0 updated, 0 unchanged)`);
    expect(first.stdout).toContain(`  tag loop → ${base}-loop: 88 tasks`);
    expect(first.stdout).toMatch(/\nskipped 9:\n  line 597: tm-\w+: 12\.4\.dependencies: the link to 12\.1 closes a cycle/);
    expect(first.stdout).toMatch(new RegExp(`line \\d+: ${base}-test-tag: 1\\.dependencies: "16" is no task in the file or on the board`));
    const second = cli(['import', path.join(FORMATS_DIR, 'taskmaster', 'tasks.json'), '--project', base]);
    expect(second.stdout).toMatch(/: 0 created, 0 updated, 1096 unchanged, 0 events added/);
    // Read late, as a slow reader would: the pipe fills (the export is 140 KB) and the bin's writes queue;
    // it must not exit before they are written (it once lost the end of the file in a few runs).
    const exported = JSON.parse(await slowlyRead(['export', '--format', 'taskmaster', '--project', `${base}-loop`]));
    expect(exported.master.tasks).toHaveLength(18);
    expect(exported.master.tasks[2]).toMatchObject({ id: 3, dependencies: [1, 2], subtasks: [{ id: 1 }, { id: 2 }] });

    const project = newProject('backlog');
    const folder = cli(['import', FORMATS_DIR, '--project', project]); // the folder that holds backlog/
    expect(folder.stdout).toMatch(/^imported backlog-md into backlog-\w+: 7 created/);
    expect(folder.stdout).toMatch(/  drafts\/draft-1 - Dunning-letters\.md:1: a draft, not yet a task/);
    const notBacklog = cli(['import', path.join(FORMATS_DIR, 'beads'), '--project', project]);
    expect(notBacklog.code).toBe(1);
    expect(notBacklog.stderr).toMatch(/is a folder but not a Backlog\.md backlog\/ folder/);
  }, 180_000); // seven runs of the bin, each opening the embedded database

  it('exports --out --commit into a repository: one status change names it, several say sync, nothing new commits nothing', () => {
    const project = newProject('git');
    const repo = tempRepo(root, `repo-${project}`);
    const tracker = path.join(repo, 'docs', 'TASK-STATUS.md');
    cli(['import', path.join(FORMATS_DIR, 'tasks.md'), '--project', project]);
    const first = cli(['export', '--out', tracker, '--commit', '--project', project]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^committed .*: status: sync/);
    const edited = path.join(root, `${project}-tasks.md`);
    fs.writeFileSync(edited, sample('tasks.md').replace('| CK-PAY-002 | in-progress |', '| CK-PAY-002 | done |'));
    cli(['import', edited, '--project', project]);
    expect(cli(['export', '--out', tracker, '--commit', '--project', project]).stdout).toMatch(/status: CK-PAY-002 → completed/);
    expect(cli(['export', '--out', tracker, '--commit', '--project', project]).stdout).toMatch(/nothing committed/);
    expect(git(repo, 'log', '--format=%s').split('\n')).toEqual(['status: CK-PAY-002 → completed', 'status: sync', 'init']);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'remote')).toBe('');
    const outside = cli(['export', '--out', path.join(root, 'loose', 'x.md'), '--commit', '--project', project]);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/not inside a git repository/);
    expect(fs.existsSync(path.join(root, 'loose')), 'a refused --commit writes nothing').toBe(false);
  }, 180_000);

  describe('over MCP', () => {
    let session: Awaited<ReturnType<typeof connectStdio>>;
    let repo: string;
    const project = newProject('mcp');
    beforeAll(async () => {
      repo = tempRepo(root, 'served');
      git(repo, 'checkout', '-qb', 'feature/x');
      // the bin runs inside the repository, and fills branch/commit of status changes from it
      session = await connectStdio({ TASKLANE_DATABASE_URL: url, TASKLANE_PROJECT: project, TASKLANE_GIT_AUTO: '1' }, 'tracker-agent', repo);
    });
    afterAll(() => session?.close());

    it('imports a tracker with import_tracker, a small tool', async () => {
      const { tools } = await session.client.listTools();
      const tool = tools.find((t) => t.name === 'import_tracker')!;
      expect(tokens(tool)).toBeLessThan(300);
      const r = await session.call('import_tracker', { content: sample('task-breakdown.json') });
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ project, format: 'task-breakdown-json', created: 5, by_status: { completed: 1, in_progress: 1, failed: 1, pending: 2 } });
      expect(text(r)).toMatch(/imported task-breakdown-json .*: 5 created/);
      const again = await session.call('import_tracker', { content: sample('task-breakdown.json'), dry_run: true });
      expect(again.structuredContent).toMatchObject({ dry_run: true, created: 0, updated: 0, unchanged: 5 });
      const bad = await session.call('import_tracker', { content: '{"tasks": [{"id": "A", "description": "a", "dependencies": ["B"]}, {"id": "B", "description": "b", "dependencies": ["A"]}]}' });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toMatch(/^dependency_cycle: [\s\S]*A → B → A/);
    });

    it('imports a Taskmaster file through import_tracker: a project per tag, the totals and each tag', async () => {
      // The real board less its master tag, on one line: the board host's HTTP hop takes 1 MiB a request.
      const { master: _master, ...tags } = JSON.parse(sample('taskmaster/tasks.json'));
      const r = await session.call('import_tracker', { content: JSON.stringify(tags), project: `${project}-tm` });
      expect(r.isError).toBeFalsy();
      const out = r.structuredContent as { project: string; boards: Array<{ tag: string; project: string; created: number }> };
      expect(out).toMatchObject({ project: `${project}-tm`, format: 'taskmaster-json', created: 1096 - 628, skipped_count: 1 });
      // without a master tag, the first tag takes the project named
      expect(out.boards.map((b) => [b.tag, b.project, b.created]).slice(0, 3)).toEqual([
        ['test-tag', `${project}-tm`, 1], ['cc-kiro-hooks', `${project}-tm-cc-kiro-hooks`, 60], ['tm-core-phase-1', `${project}-tm-tm-core-phase-1`, 66],
      ]);
      expect(text(r)).toMatch(/^imported taskmaster-json, 8 tags into a project each: 468 created/);
      expect(text(r)).toMatch(/line 1: mcp-\w+-tm: 1\.dependencies: "16" is no task in the file or on the board/);
      const beads = await session.call('import_tracker', { content: sample('beads/issues.jsonl'), format: 'beads', project: `${project}-bd` });
      expect(beads.structuredContent).toMatchObject({ format: 'beads-jsonl', created: 8, skipped_count: 3 });
    });

    it('records the branch and commit of the working tree with TASKLANE_GIT_AUTO=1', async () => {
      const head = git(repo, 'rev-parse', 'HEAD');
      const r = await session.call('mark_task_status', { task_id: 'T3', status: 'in_progress', force: true });
      expect(r.structuredContent).toMatchObject({ task: { branch: 'feature/x', commit_sha: head } });
      const given = await session.call('mark_task_status', { task_id: 'T3', status: 'review', branch: 'other', commit_sha: 'abc1234' });
      expect(given.structuredContent).toMatchObject({ task: { branch: 'other', commit_sha: 'abc1234' } });
    });

    it('lists and reads the breakdown and task resources', async () => {
      const { resourceTemplates } = await session.client.listResourceTemplates();
      expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['tasklane://{project}/breakdown.md', 'tasklane://{project}/tasks/{task_id}']);
      const { resources } = await session.client.listResources();
      expect(resources.map((r) => r.uri)).toContain(`tasklane://${project}/breakdown.md`);
      expect(resources.map((r) => r.uri)).toContain(`tasklane://${project}/tasks/T1`);
      const md = await session.client.readResource({ uri: `tasklane://${project}/breakdown.md` });
      const body = (md.contents[0] as { text: string }).text;
      expect(body).toMatch(/^# mcp-\w+ — Task Status Tracker/);
      expect(body).toMatch(/\| T1 \| Set up the database schema for invoices \| ✅ DONE \|/);
      expect(body).toMatch(/## Change Log/);
      const task = await session.client.readResource({ uri: `tasklane://${project}/tasks/T2` });
      const json = JSON.parse((task.contents[0] as { text: string }).text);
      expect(json.task).toMatchObject({ id: 'T2', status: 'in_progress', dependencies: ['T1'], notes: [{ note: 'First attempt failed: font not embedded' }] });
      expect(json.events.map((e: { kind: string }) => e.kind)).toEqual(['note', 'created']);
      await expect(session.client.readResource({ uri: `tasklane://${project}/tasks/NOPE` })).rejects.toThrow(/no task "NOPE"/);
    });

    it('renders the three prompts from their templates with real data', async () => {
      const { prompts } = await session.client.listPrompts();
      expect(prompts.map((p) => p.name).sort()).toEqual(['architect', 'orchestrator', 'worker']);
      const worker = await session.client.getPrompt({ name: 'worker', arguments: { task_id: 'T5' } });
      const brief = (worker.messages[0].content as { text: string }).text;
      expect(brief).toMatch(/# Task T5 in "mcp-\w+"/);
      expect(brief).toMatch(/Monthly revenue report/);
      expect(brief).toMatch(/- \*\*T4\*\* \(failed\): Banker's rounding disagrees/);
      expect(brief).toMatch(/- \*\*T3\*\* \(review\): no result recorded/);
      expect(brief).toMatch(/mark_task_status \{"project": "mcp-\w+", "task_id": "T5", "agent": "<your name>", "status": "completed"/);
      expect(brief).not.toMatch(/\{\{|lesson/i);
      const orchestrator = await session.client.getPrompt({ name: 'orchestrator', arguments: {} });
      const loop = (orchestrator.messages[0].content as { text: string }).text;
      expect(loop).toMatch(/Board now: 5 tasks, 20% done/);
      expect(loop).toMatch(/`blocked`: a deadlock/);
      const architect = await session.client.getPrompt({ name: 'architect', arguments: { goal: 'ship invoices', project: 'fresh-board' } });
      expect((architect.messages[0].content as { text: string }).text).toMatch(/> ship invoices[\s\S]*Board now: empty/);
      await expect(session.client.getPrompt({ name: 'worker', arguments: { task_id: 'NOPE' } })).rejects.toThrow(/not_found/);
    });

    it("puts the lessons a worker would get with the task into the worker's brief", async () => {
      const recorded = await session.call('record_lesson', {
        title: 'Revenue report totals',
        lesson: 'Sum the monthly revenue in cents,\nthen round once: per-line rounding drifts.',
        tags: ['billing'],
      });
      expect(recorded.isError).toBeFalsy();
      const worker = await session.client.getPrompt({ name: 'worker', arguments: { task_id: 'T5' } });
      const brief = (worker.messages[0].content as { text: string }).text;
      expect(brief).toMatch(/\n\n## Lessons from earlier work\n\n- \*\*Revenue report totals\*\* — Sum the monthly revenue in cents, then round once: per-line rounding drifts\.\n\n## Before you report/);
      const other = await session.client.getPrompt({ name: 'worker', arguments: { task_id: 'T2' } });
      expect((other.messages[0].content as { text: string }).text).not.toMatch(/Lessons from earlier work/);
    });
  });
});
