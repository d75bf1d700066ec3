import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config.js';
import { claudeCodeFiles, claudeMdSection, PROJECT_FLAVOUR } from './claude-files.js';
import { entryConfig, type ServerEntry } from './server-entry.js';

/** One file `tasklane init` looks after, and what it does to it. */
export type FileChange = {
  /** As shown: relative to the project folder (or the Desktop config's full path). */
  file: string;
  abs: string;
  action: 'create' | 'update' | 'unchanged' | 'keep';
  /** What the change is, or why the file is kept. */
  what: string;
  /** The file's new content, for create and update. */
  text?: string;
};

export const SERVER_NAME = 'tasklane';

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function readJson(file: string, text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON (${(err as Error).message}); fix it or move it away, then run tasklane init again (nothing was changed)`);
  }
  throw new ConfigError(`${file} is not a JSON object; fix it or move it away, then run tasklane init again (nothing was changed)`);
}

const objectAt = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** Adds or keeps `mcpServers.tasklane` in a config file that clients share with other servers. */
function mergeServer(file: string, abs: string, entry: ServerEntry, force: boolean, described: string): FileChange {
  const want = entryConfig(entry);
  const text = read(abs);
  const config = text === undefined ? {} : readJson(file, text);
  const servers = objectAt(config.mcpServers);
  const have = servers[SERVER_NAME];
  if (have !== undefined && JSON.stringify(have) === JSON.stringify(want)) return { file, abs, action: 'unchanged', what: described };
  if (have !== undefined && !force) {
    return { file, abs, action: 'keep', what: `its ${SERVER_NAME} server differs from "${[want.command, ...want.args].join(' ')}" (your edit?); --force replaces it` };
  }
  const others = Object.keys(servers).filter((k) => k !== SERVER_NAME);
  const next = { ...config, mcpServers: { ...servers, [SERVER_NAME]: want } };
  const beside = others.length ? `, beside ${others.join(', ')}` : '';
  return { file, abs, action: text === undefined ? 'create' : 'update', what: `${described}${beside}`, text: json(next) };
}

/** `.claude/settings.local.json`: approves the project's `.mcp.json` server, as Claude Code records a user's approval. */
function approveServer(root: string, force: boolean): FileChange {
  const file = '.claude/settings.local.json';
  const abs = path.join(root, file);
  const text = read(abs);
  const settings = text === undefined ? {} : readJson(file, text);
  const list = (key: string) => (Array.isArray(settings[key]) ? (settings[key] as unknown[]).filter((v): v is string => typeof v === 'string') : []);
  const what = `${SERVER_NAME} approved for this project (enabledMcpjsonServers)`;
  const disabled = list('disabledMcpjsonServers').includes(SERVER_NAME);
  if (disabled && !force) return { file, abs, action: 'keep', what: `you disabled ${SERVER_NAME} here (disabledMcpjsonServers); --force approves it` };
  if (!disabled && (settings.enableAllProjectMcpServers === true || list('enabledMcpjsonServers').includes(SERVER_NAME))) {
    return { file, abs, action: 'unchanged', what };
  }
  const next: Record<string, unknown> = { ...settings, enabledMcpjsonServers: [...new Set([...list('enabledMcpjsonServers'), SERVER_NAME])] };
  if (disabled) next.disabledMcpjsonServers = list('disabledMcpjsonServers').filter((s) => s !== SERVER_NAME);
  return { file, abs, action: text === undefined ? 'create' : 'update', what, text: json(next) };
}

const MARK = 'written by tasklane init';
const markLine = (body: string) => `<!-- ${MARK} (${hash(body)}): once you edit this file, tasklane init leaves it alone (--force rewrites it) -->\n`;
const MARK_LINE = new RegExp(`^<!-- ${MARK} \\(([0-9a-f]{12})\\)[^\\n]*-->\\n?`, 'm');

/** A file init writes whole: rewritten only while it is as init wrote it (its mark's hash matches), or with --force. */
function ownFile(root: string, file: string, body: string, force: boolean, what: string): FileChange {
  const abs = path.join(root, file);
  const want = `${body}\n${markLine(body)}`;
  const text = read(abs);
  if (text === undefined) return { file, abs, action: 'create', what, text: want };
  if (text === want) return { file, abs, action: 'unchanged', what };
  const mark = MARK_LINE.exec(text);
  const pristine = mark !== null && hash(`${text.slice(0, mark.index)}${text.slice(mark.index + mark[0].length)}`.replace(/\n$/, '')) === mark[1];
  if (pristine || force) return { file, abs, action: 'update', what, text: want };
  return { file, abs, action: 'keep', what: `${mark ? 'edited since tasklane init wrote it' : 'not written by tasklane init'}; --force rewrites it` };
}

const BEGIN = '<!-- tasklane:begin';
const END = '<!-- tasklane:end -->';

/** CLAUDE.md: one marked section, added to what is there, updated only while nobody edited it. */
function claudeMd(root: string, force: boolean): FileChange {
  const file = 'CLAUDE.md';
  const abs = path.join(root, file);
  const body = claudeMdSection();
  const block = `${BEGIN} (${hash(body)}): tasklane init keeps this section up to date until you edit it -->\n${body}${END}\n`;
  const text = read(abs);
  const what = 'how agents use the board (a marked section)';
  if (text === undefined) return { file, abs, action: 'create', what, text: block };
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END, start);
  if (start < 0 || end < 0) return { file, abs, action: 'update', what, text: `${text.replace(/\n*$/, '\n\n')}${block}` };
  const stop = end + END.length + (text[end + END.length] === '\n' ? 1 : 0);
  const current = text.slice(start, stop);
  if (current === block) return { file, abs, action: 'unchanged', what };
  const recorded = /^<!-- tasklane:begin \(([0-9a-f]{12})\)/.exec(current)?.[1];
  const inner = current.slice(current.indexOf('\n') + 1, current.lastIndexOf(END));
  if (!force && recorded !== hash(inner)) return { file, abs, action: 'keep', what: 'its tasklane section was edited; --force rewrites the section' };
  return { file, abs, action: 'update', what, text: `${text.slice(0, start)}${block}${text.slice(stop)}` };
}

/** Everything `tasklane init` would do in a project folder, nothing done yet. */
export function planProjectInit(root: string, entry: ServerEntry, force = false): FileChange[] {
  return [
    mergeServer('.mcp.json', path.join(root, '.mcp.json'), entry, force, `the ${SERVER_NAME} server: ${[entry.command, ...entry.args].join(' ')}`),
    approveServer(root, force),
    claudeMd(root, force),
    ...claudeCodeFiles(PROJECT_FLAVOUR).map((f) => ownFile(root, `.claude/${f.path}`, f.text, force, f.path.startsWith('agents/') ? 'subagent' : 'slash command')),
  ];
}

/** Where Claude Desktop keeps its config on this OS. */
export function desktopConfigPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'Claude', 'claude_desktop_config.json');
}

/** `tasklane init --desktop`: the Desktop config with the tasklane server merged in. */
export function planDesktopInit(configPath: string, entry: ServerEntry, force = false): FileChange[] {
  return [mergeServer(configPath, configPath, entry, force, `the ${SERVER_NAME} server for Claude Desktop: ${[entry.command, ...entry.args].join(' ')}`)];
}

/** Writes the planned changes; a Desktop config that exists is copied aside first. Returns the backup's path. */
export function applyChanges(changes: FileChange[], options: { backup?: boolean; now?: Date } = {}): string | undefined {
  let backup: string | undefined;
  for (const c of changes) {
    if (c.text === undefined || (c.action !== 'create' && c.action !== 'update')) continue;
    fs.mkdirSync(path.dirname(c.abs), { recursive: true });
    if (options.backup && fs.existsSync(c.abs)) {
      const stamp = (options.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      backup = `${c.abs}.${stamp}.bak`;
      fs.copyFileSync(c.abs, backup);
    }
    const temp = `${c.abs}.tasklane-${process.pid}.tmp`;
    fs.writeFileSync(temp, c.text);
    fs.renameSync(temp, c.abs);
  }
  return backup;
}
