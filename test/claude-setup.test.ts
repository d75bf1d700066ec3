import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pluginFiles } from '../src/setup/plugin-files.js';
import { thisServerEntry } from '../src/setup/server-entry.js';
import { CLI } from './helpers/stdio-client.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Every tool the server lists (one input schema each in schema/tools/). */
const TOOLS = fs.readdirSync(path.join(ROOT, 'schema/tools')).map((f) => f.replace('.input.schema.json', ''));
const FILES = ['.mcp.json', '.claude/settings.local.json', 'CLAUDE.md', '.claude/agents/tasklane-orchestrator.md', '.claude/agents/tasklane-worker.md',
  '.claude/commands/tasklane-plan.md', '.claude/commands/tasklane-work.md', '.claude/commands/tasklane-board.md'];

let home: string;
let project: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-init-home-'));
  project = path.join(home, 'project');
  fs.mkdirSync(project);
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function init(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TASKLANE_LOG_LEVEL: 'silent' };
  delete env.XDG_CONFIG_HOME;
  const r = spawnSync(process.execPath, [CLI, 'init', ...args], { cwd: project, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const read = (file: string) => fs.readFileSync(path.join(project, file), 'utf8');
const readJson = (file: string) => JSON.parse(read(file));
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
};
const snapshot = () => Object.fromEntries(FILES.map((f) => [f, fs.existsSync(path.join(project, f)) ? read(f) : undefined]));
const frontmatter = (text: string) => yaml.load(/^---\n([\s\S]*?)\n---\n/.exec(text)![1]) as Record<string, string>;

/** The MCP tools an agent file allows, checked to be real tools under the given prefix. */
function mcpTools(text: string, prefix: string): string[] {
  const tools = frontmatter(text).tools.split(',').map((t) => t.trim());
  const mcp = tools.filter((t) => t.startsWith('mcp__'));
  for (const t of mcp) {
    expect(t.startsWith(prefix), t).toBe(true);
    expect(TOOLS).toContain(t.slice(prefix.length));
  }
  return mcp.map((t) => t.slice(prefix.length));
}

describe('tasklane init', () => {
  it('writes the server entry, its approval, a CLAUDE.md section, two subagents and three slash commands', () => {
    const r = init();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/8 created, 0 updated, 0 unchanged, 0 kept/);
    for (const f of FILES) expect(fs.existsSync(path.join(project, f)), f).toBe(true);
    // From a clone: this Node and the built bin, by absolute paths.
    expect(readJson('.mcp.json')).toEqual({ mcpServers: { tasklane: { command: process.execPath, args: [fs.realpathSync(CLI)] } } });
    expect(readJson('.claude/settings.local.json')).toEqual({ enabledMcpjsonServers: ['tasklane'] });
    expect(read('CLAUDE.md')).toMatch(/<!-- tasklane:begin[\s\S]*\/tasklane-plan[\s\S]*<!-- tasklane:end -->\n$/);

    const worker = read('.claude/agents/tasklane-worker.md');
    expect(frontmatter(worker)).toMatchObject({ name: 'tasklane-worker', description: expect.stringMatching(/get_next_task/) });
    expect(mcpTools(worker, 'mcp__tasklane__')).toEqual(expect.arrayContaining(['get_next_task', 'mark_task_status', 'heartbeat']));
    expect(frontmatter(worker).tools).toMatch(/\bEdit\b.*\bBash\b/);
    // The guidance comes from the MCP prompts, made project-less: no placeholder, no "project" argument left.
    expect(worker).toMatch(/get_next_task \{"agent": "<your name>", "wait_seconds": 30\}/);
    expect(worker).toMatch(/mark_task_status \{"task_id": "<task id>", "agent": "<your name>", "status": "completed"/);
    expect(worker).not.toMatch(/\{\{|"project"|\u0000/);
    const orchestrator = read('.claude/agents/tasklane-orchestrator.md');
    expect(frontmatter(orchestrator).name).toBe('tasklane-orchestrator');
    expect(mcpTools(orchestrator, 'mcp__tasklane__')).toEqual(expect.arrayContaining(['write_task_list', 'import_tracker', 'read_task_breakdown', 'update_task']));
    expect(orchestrator).toMatch(/## When `get_next_task` returns no task/);
    expect(orchestrator).toContain(fs.readFileSync(path.join(ROOT, 'prompts/architect.md'), 'utf8').match(/- \*\*Small tasks\.\*\*[^\n]*/)![0]);
    for (const name of ['plan', 'work', 'board']) {
      const command = read(`.claude/commands/tasklane-${name}.md`);
      expect(frontmatter(command).description, name).toMatch(/Tasklane board/);
      expect(command).toContain('$ARGUMENTS');
    }
  });

  it('changes nothing on a second run, and --dry-run writes nothing', () => {
    const dry = init('--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toMatch(/would create +\.mcp\.json/);
    expect(dry.out).toMatch(/8 to create.*\(dry run: nothing written\)/);
    expect(fs.readdirSync(project)).toEqual([]);

    expect(init().code).toBe(0);
    const first = snapshot();
    const mtimes = FILES.map((f) => fs.statSync(path.join(project, f)).mtimeMs);
    const again = init();
    expect(again.out).toMatch(/0 created, 0 updated, 8 unchanged, 0 kept/);
    expect(snapshot()).toEqual(first);
    expect(FILES.map((f) => fs.statSync(path.join(project, f)).mtimeMs)).toEqual(mtimes);
    expect(init('--dry-run').out).toMatch(/0 to create, 0 to update, 8 unchanged/);
  });

  it("merges with what the project has: other servers, settings and CLAUDE.md text stay", () => {
    write('.mcp.json', JSON.stringify({ mcpServers: { github: { command: 'gh-mcp' } }, other: 1 }));
    write('.claude/settings.local.json', JSON.stringify({ permissions: { allow: ['Bash(npm test)'] }, enabledMcpjsonServers: ['github'] }));
    write('CLAUDE.md', '# My project\n\nUse pnpm.\n');
    const r = init();
    expect(r.out).toMatch(/updated +\.mcp\.json: the tasklane server: .*beside github/);
    expect(readJson('.mcp.json')).toMatchObject({ other: 1, mcpServers: { github: { command: 'gh-mcp' }, tasklane: { command: process.execPath } } });
    expect(readJson('.claude/settings.local.json')).toEqual({ permissions: { allow: ['Bash(npm test)'] }, enabledMcpjsonServers: ['github', 'tasklane'] });
    expect(read('CLAUDE.md')).toMatch(/^# My project\n\nUse pnpm\.\n\n<!-- tasklane:begin/);
    expect(init().out).toMatch(/8 unchanged/);
  });

  it("keeps a user's edits unless --force, and brings files it wrote up to date", () => {
    init();
    const worker = '.claude/agents/tasklane-worker.md';
    write(worker, `${read(worker)}\nAlways run pnpm test.\n`);
    const claudeMd = read('CLAUDE.md').replace('## Tasklane: the shared task board', '## Our board');
    write('CLAUDE.md', `${claudeMd}\nMore notes.\n`);
    write('.mcp.json', JSON.stringify({ mcpServers: { tasklane: { command: 'tasklane', env: { TASKLANE_PROJECT: 'x' } } } }));
    write('.claude/settings.local.json', JSON.stringify({ disabledMcpjsonServers: ['tasklane'] }));
    const edited = snapshot();
    const r = init();
    expect(r.out).toMatch(/kept +\.claude\/agents\/tasklane-worker\.md: edited since tasklane init wrote it; --force rewrites it/);
    expect(r.out).toMatch(/kept +CLAUDE\.md: its tasklane section was edited/);
    expect(r.out).toMatch(/kept +\.mcp\.json: its tasklane server differs/);
    expect(r.out).toMatch(/kept +\.claude\/settings\.local\.json: you disabled tasklane here/);
    expect(r.out).toMatch(/4 kept/);
    expect(snapshot()).toEqual(edited);

    // A file init wrote and nobody edited is rewritten when its text changes (an older version's file).
    const plan = '.claude/commands/tasklane-plan.md';
    const old = '---\ndescription: an older plan command\n---\n';
    write(plan, `${old}\n<!-- written by tasklane init (${createHash('sha256').update(old).digest('hex').slice(0, 12)}): … -->\n`);
    expect(init().out).toMatch(/updated +\.claude\/commands\/tasklane-plan\.md/);

    const forced = init('--force');
    expect(forced.out).toMatch(/4 updated/);
    expect(read(worker)).not.toContain('Always run pnpm test.');
    expect(read('CLAUDE.md')).toMatch(/## Tasklane: the shared task board[\s\S]*<!-- tasklane:end -->\n\nMore notes\.\n$/);
    expect(readJson('.mcp.json').mcpServers.tasklane).toEqual({ command: process.execPath, args: [fs.realpathSync(CLI)] });
    expect(readJson('.claude/settings.local.json')).toEqual({ disabledMcpjsonServers: [], enabledMcpjsonServers: ['tasklane'] });
    expect(init().out).toMatch(/8 unchanged/);
  });

  it('refuses a config file that is not JSON, naming it, and changes nothing', () => {
    write('.mcp.json', '{ "mcpServers": ');
    const r = init();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tasklane: \.mcp\.json is not valid JSON .*nothing was changed/);
    expect(fs.readdirSync(project)).toEqual(['.mcp.json']);
  });

  it('parses its flags strictly', () => {
    const r = init('--forse');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option --forse; did you mean --force\?/);
    expect(init('a', 'b').err).toMatch(/unexpected argument "b"/);
    write('notes.txt', 'a file');
    expect(init('notes.txt')).toMatchObject({ code: 1, err: `tasklane: ${path.join(project, 'notes.txt')}: is a file, not a folder; give the project folder (default: this one)\n` });
    expect(init('missing')).toMatchObject({ code: 1, err: `tasklane: ${path.join(project, 'missing')}: no such folder; give the project folder (default: this one)\n` });
  });

  it('--desktop merges the server into Claude Desktop\'s config, keeping a copy of the old one', () => {
    const config = path.join(home, '.config/Claude/claude_desktop_config.json');
    const fresh = init('--desktop');
    expect(fresh.code, fresh.err).toBe(0);
    expect(JSON.parse(fs.readFileSync(config, 'utf8'))).toEqual({ mcpServers: { tasklane: { command: process.execPath, args: [fs.realpathSync(CLI)] } } });
    expect(fresh.out).toMatch(/Restart Claude Desktop/);

    const before = JSON.stringify({ mcpServers: { other: { command: 'x' } }, globalShortcut: 'Ctrl+Space' });
    fs.writeFileSync(config, before);
    expect(init('--desktop', '--dry-run').out).toMatch(/would update/);
    expect(fs.readFileSync(config, 'utf8')).toBe(before);
    const r = init('--desktop');
    expect(r.out).toMatch(/updated .*beside other/);
    expect(JSON.parse(fs.readFileSync(config, 'utf8'))).toMatchObject({ globalShortcut: 'Ctrl+Space', mcpServers: { other: { command: 'x' }, tasklane: { command: process.execPath } } });
    const backups = fs.readdirSync(path.dirname(config)).filter((f) => f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(config), backups[0]), 'utf8')).toBe(before);
    expect(init('--desktop').out).toMatch(/1 unchanged/);
    expect(fs.readdirSync(path.dirname(config)).filter((f) => f.endsWith('.bak'))).toHaveLength(1);
    expect(fs.readdirSync(project)).toEqual([]);
  });
});

describe('the command init writes, by how Tasklane was installed', () => {
  it('is the tasklane on PATH for a global install, npx for npx and a project dependency, else node with the bin', () => {
    const global = path.join(home, 'prefix/lib/node_modules/tasklane/dist/src/cli.js');
    fs.mkdirSync(path.dirname(global), { recursive: true });
    fs.writeFileSync(global, '');
    fs.mkdirSync(path.join(home, 'prefix/bin'));
    fs.symlinkSync(global, path.join(home, 'prefix/bin/tasklane'));
    const PATH = `${path.join(home, 'prefix/bin')}${path.delimiter}/usr/bin`;
    expect(thisServerEntry(global, { PATH }, '/n/node')).toMatchObject({ command: 'tasklane', args: [], how: 'global' });
    expect(thisServerEntry(global, { PATH: '/usr/bin' }, '/n/node')).toMatchObject({ command: 'npx', args: ['tasklane'], how: 'local' });
    // npx puts its cache's bin on PATH while it runs: that one is gone afterwards.
    const fetched = path.join(home, '.npm/_npx/1a2b/node_modules/tasklane/dist/src/cli.js');
    fs.mkdirSync(path.dirname(fetched), { recursive: true });
    fs.writeFileSync(fetched, '');
    fs.mkdirSync(path.join(home, '.npm/_npx/1a2b/node_modules/.bin'));
    fs.symlinkSync(fetched, path.join(home, '.npm/_npx/1a2b/node_modules/.bin/tasklane'));
    const npxPath = `${path.join(home, '.npm/_npx/1a2b/node_modules/.bin')}${path.delimiter}${PATH}`;
    expect(thisServerEntry(fetched, { PATH: npxPath }, '/n/node')).toMatchObject({ command: 'npx', args: ['-y', 'tasklane'], how: 'npx' });
    expect(thisServerEntry(CLI, { PATH }, '/n/node')).toEqual({ command: '/n/node', args: [fs.realpathSync(CLI)], how: 'clone' });
  });
});

describe('the Claude Code plugin', () => {
  it('is committed as the generator makes it (npm run plugin)', () => {
    for (const file of pluginFiles()) {
      const committed = path.join(ROOT, file.path);
      expect(fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : undefined, `${file.path} is stale: run npm run plugin`).toBe(file.text);
    }
  });

  it('has a marketplace entry, a manifest, the server entry, and the agents and commands init writes, with the plugin’s tool names', () => {
    const marketplace = JSON.parse(fs.readFileSync(path.join(ROOT, '.claude-plugin/marketplace.json'), 'utf8'));
    expect(marketplace).toMatchObject({ name: 'tasklane', owner: { name: expect.any(String) }, plugins: [{ name: 'tasklane', source: './plugins/tasklane' }] });
    const dir = path.join(ROOT, marketplace.plugins[0].source);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.claude-plugin/plugin.json'), 'utf8'));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'tasklane', version: pkg.version, description: expect.any(String) });
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.mcp.json'), 'utf8'))).toEqual({ mcpServers: { tasklane: { command: 'npx', args: ['-y', 'tasklane'] } } });
    expect(fs.readdirSync(path.join(dir, 'agents')).sort()).toEqual(['tasklane-orchestrator.md', 'tasklane-worker.md']);
    expect(fs.readdirSync(path.join(dir, 'commands')).sort()).toEqual(['board.md', 'plan.md', 'work.md']);
    const worker = fs.readFileSync(path.join(dir, 'agents/tasklane-worker.md'), 'utf8');
    expect(mcpTools(worker, 'mcp__plugin_tasklane_tasklane__')).toContain('get_next_task');
    mcpTools(fs.readFileSync(path.join(dir, 'agents/tasklane-orchestrator.md'), 'utf8'), 'mcp__plugin_tasklane_tasklane__');
    // The same text as init's worker, but for the tool names.
    init();
    const initWorker = read('.claude/agents/tasklane-worker.md').replace(/\n<!-- written by tasklane init[^\n]*\n$/, '');
    expect(worker).toBe(initWorker.replaceAll('mcp__tasklane__', 'mcp__plugin_tasklane_tasklane__'));
  });
});
