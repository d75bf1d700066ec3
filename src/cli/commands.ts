import type { ParseArgsConfig } from 'node:util';
import type { ParsedCommand } from '../commands/command-io.js';

export type CommandModule = { run(cmd: ParsedCommand): Promise<number> };

export type CommandSpec = {
  name: string;
  /** The arguments after the command's name, for usage lines. */
  synopsis: string;
  summary: string;
  /** More lines for `tasklane NAME --help`. */
  details?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals: { min: number; max: number };
  /** The first positional must be one of these (sub-commands). */
  actions?: string[];
  /** The command's code, loaded only when it runs. */
  load: () => Promise<CommandModule>;
};

const project = { project: { type: 'string' } } as const;
const data = () => import('../commands/data.js');

// Only data: the command table is read on every start, its modules only by the command that runs.
export const COMMANDS: CommandSpec[] = [
  {
    name: 'serve',
    synopsis: '[--http [--host H] [--port P] [--stateless] [--insecure-no-auth]]',
    summary: 'serve MCP over stdio (what `tasklane` alone does), or over streamable HTTP at http://HOST:PORT/mcp',
    details:
      '  --http               serve over HTTP instead of stdio\n' +
      '  --host H             address to bind (TASKLANE_HOST, default 127.0.0.1)\n' +
      '  --port P             port (TASKLANE_PORT, default 7420; 0 picks a free one)\n' +
      '  --stateless          no sessions: one server per request (TASKLANE_HTTP_STATELESS=1)\n' +
      '  --insecure-no-auth   allow a non-loopback address without TASKLANE_HTTP_TOKEN\n' +
      '  --project P          the default project (TASKLANE_PROJECT)\n' +
      'On an embedded folder, stdio goes through the board host (one per folder, started when needed).',
    options: { http: { type: 'boolean' }, host: { type: 'string' }, port: { type: 'string' }, stateless: { type: 'boolean' }, 'insecure-no-auth': { type: 'boolean' }, ...project },
    positionals: { min: 0, max: 0 },
    load: () => import('../commands/serve.js'),
  },
  { name: 'migrate', synopsis: '', summary: 'apply database migrations and exit', options: {}, positionals: { min: 0, max: 0 }, load: data },
  { name: 'status', synopsis: '[--project P]', summary: "print the board's counts for the project", options: { ...project }, positionals: { min: 0, max: 0 }, load: data },
  {
    name: 'project',
    synopsis: '[--project P] [--lease-seconds N] [--max-attempts N]',
    summary: "show or set the project's defaults for new claims and new tasks",
    options: { ...project, 'lease-seconds': { type: 'string' }, 'max-attempts': { type: 'string' } },
    positionals: { min: 0, max: 0 },
    load: data,
  },
  {
    name: 'import',
    synopsis: 'FILE|FOLDER [--project P] [--format json|tasks-md|task-status|todo|taskmaster|beads|backlog] [--dry-run]',
    summary: 'import a tracker (task-breakdown.json, tasks.md, TASK-STATUS.md, TODO.md, Taskmaster tasks.json: a project per tag, Beads issues.jsonl, a Backlog.md backlog/ folder)',
    options: { ...project, format: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    positionals: { min: 1, max: 1 },
    load: data,
  },
  {
    name: 'export',
    synopsis: '[--project P] [--format md|json|tasks-md|taskmaster] [--out FILE [--commit]]',
    summary: 'print the board as a tracker, or write it to FILE (--commit: commit FILE with git, never pushing)',
    options: { ...project, format: { type: 'string' }, out: { type: 'string' }, commit: { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
    load: data,
  },
  {
    name: 'lessons',
    synopsis: 'search "query" [--limit N] | add "text" [--tags a,b] [--title T] [--task-id T1] [--global] | reembed',
    summary: 'search or record lessons learned; reembed queues every lesson for embedding again (after a model change)',
    options: { ...project, limit: { type: 'string' }, tags: { type: 'string' }, title: { type: 'string' }, 'task-id': { type: 'string' }, global: { type: 'boolean' } },
    positionals: { min: 1, max: Number.MAX_SAFE_INTEGER },
    actions: ['search', 'add', 'reembed'],
    load: data,
  },
  {
    name: 'token',
    synopsis: 'create --name NAME --role reader|worker|orchestrator|admin --project P[,Q…]|all | list | revoke NAME',
    summary: 'named tokens for `serve --http`: create one (its secret is printed once), list them, or revoke one (refused everywhere within a second)',
    details:
      '  reader        read the breakdown, search lessons, resources and prompts\n' +
      '  worker        + claim, report on and heartbeat the tasks it holds (as agent NAME or NAME/…), record lessons\n' +
      '  orchestrator  + write, import and edit task lists, force statuses; sign in to the web board\n' +
      '  admin         everything, on the board too (retry, cancel)',
    options: { name: { type: 'string' }, role: { type: 'string' }, ...project },
    positionals: { min: 1, max: 2 },
    actions: ['create', 'list', 'revoke'],
    load: data,
  },
  {
    name: 'board',
    synopsis: '[--project P] [--open]',
    summary: "print (and open) the web board's URL, with a one-time sign-in link; starts the board host if none runs",
    options: { ...project, open: { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
    load: () => import('../commands/board.js'),
  },
  {
    name: 'init',
    synopsis: '[FOLDER] [--dry-run] [--force] | --desktop [--dry-run] [--force]',
    summary: 'set up Claude Code in a project: .mcp.json (approved), a CLAUDE.md section, orchestrator and worker subagents, slash commands; --desktop: Claude Desktop',
    details:
      '  FOLDER       the project folder (default: this one)\n' +
      '  --dry-run    show what would change and write nothing\n' +
      '  --force      rewrite files you edited (otherwise they are kept as they are)\n' +
      "  --desktop    add tasklane to Claude Desktop's config file instead (a copy of the old one is kept)\n" +
      'A second run changes nothing; files it wrote and you did not edit are brought up to date.',
    options: { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, desktop: { type: 'boolean' } },
    positionals: { min: 0, max: 1 },
    load: () => import('../commands/init.js'),
  },
  {
    name: 'host',
    synopsis: 'status | stop',
    summary: "the board host of the embedded folder: its pid, board and sessions, or stop it (the next tasklane starts one)",
    options: {},
    positionals: { min: 0, max: 1 },
    actions: ['status', 'stop', 'run'],
    load: () => import('../commands/host.js'),
  },
];
