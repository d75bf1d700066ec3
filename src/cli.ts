#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type App, startApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { FolderInUseError } from './db/folder-lock.js';
import { isPostgresUrl, openStore } from './db/open.js';
import { hostStatus, stopHost } from './host/host-commands.js';
import { readHostInfo } from './host/host-files.js';
import { HostStartError, locateHost } from './host/locate-host.js';
import { resolveDefaultProject } from './git/project-name.js';
import { runBoardHost } from './host/run-host.js';
import { proxyStdio } from './transports/stdio-proxy.js';
import type { ProjectSettings } from './db/projects.js';
import { createLogger, type Logger } from './log.js';
import { lessonsCommand } from './lessons-commands.js';
import { exportCommand, importCommand, UsageError } from './tracker-commands.js';
import { NotARepositoryError } from './git/commit-file.js';
import { DomainError } from './tasks/errors.js';
import type { HttpOptions } from './transports/http.js';
import { assertSafeBinding } from './transports/http-guards.js';
import { serveHttp } from './transports/http-serve.js';
import { serveStdio } from './transports/stdio.js';
import { boardUrl, openInBrowser } from './web/board-url.js';
import { VERSION } from './version.js';

const HELP = `tasklane ${VERSION} — a shared task board for AI agents, over MCP

Usage:
  tasklane                 serve MCP over stdio (the same as: tasklane serve)
  tasklane serve           serve MCP over stdio
  tasklane serve --http    serve MCP over streamable HTTP at http://HOST:PORT/mcp
      --host H             address to bind (TASKLANE_HOST, default 127.0.0.1)
      --port P             port (TASKLANE_PORT, default 7420; 0 picks a free one)
      --stateless          no sessions: one server per request (TASKLANE_HTTP_STATELESS=1)
      --insecure-no-auth   allow a non-loopback address without TASKLANE_HTTP_TOKEN
  tasklane migrate         apply database migrations and exit
  tasklane host status     the board host of the embedded database: pid, address, uptime, sessions
  tasklane host stop       stop that board host (the next tasklane starts a new one)
  tasklane status          print the board's counts for the project and exit
  tasklane project [--lease-seconds N] [--max-attempts N]
                           show or set the project's defaults for new claims and new tasks
  tasklane import FILE     import a tracker (task-breakdown.json, tasks.md, TASK-STATUS.md, TODO.md)
                           [--project P] [--format json|tasks-md|task-status|todo] [--dry-run]
  tasklane export          print the board as a tracker [--project P] [--format md|json|tasks-md]
                           [--out FILE] [--commit: commit FILE with git, never pushing]
  tasklane lessons search "query" [--limit n]   search lessons learned
  tasklane lessons add "text" [--tags a,b] [--title t] [--task-id T1] [--global]   record a lesson
  tasklane lessons reembed queue every lesson for embedding again (after a model change) and embed them
  tasklane board [--open]  print (and open) the URL of the web board for the project
  tasklane --help          this help
  tasklane --version       the version

Settings come from the environment (see README): TASKLANE_DATABASE_URL (postgres://…, a folder,
or memory://; default ~/.tasklane/data), TASKLANE_PROJECT, TASKLANE_LOG_LEVEL, TASKLANE_LEASE_SECONDS,
TASKLANE_GIT_AUTO; over HTTP also TASKLANE_HTTP_TOKEN, TASKLANE_ALLOWED_HOSTS, TASKLANE_HTTP_SESSION_IDLE_SECONDS.
TASKLANE_EMBEDDINGS (ollama|off), OLLAMA_HOST, TASKLANE_EMBED_MODEL. --project works with every command.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      project: { type: 'string' },
      'lease-seconds': { type: 'string' },
      'max-attempts': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      commit: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      http: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      stateless: { type: 'boolean' },
      'insecure-no-auth': { type: 'boolean' },
      tags: { type: 'string' },
      title: { type: 'string' },
      'task-id': { type: 'string' },
      global: { type: 'boolean' },
      limit: { type: 'string' },
      open: { type: 'boolean' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  switch (command) {
    case 'serve': {
      if (values.http) {
        const options = httpOptions(config, values);
        assertSafeBinding(options.host, options.token, options.insecureNoAuth ?? false);
        const app = await startApp(config, log, { background: true });
        await serveHttp(app, options, describe(app));
        return 0;
      }
      const folder = boardHostFolder(config);
      if (folder) {
        log.info({ version: VERSION, transport: 'stdio', database: `pglite ${folder} (board host)`, via: 'board host' }, 'tasklane started');
        const context = { defaultProject: await resolveDefaultProject(config.project, process.cwd()), cwd: process.cwd() };
        await proxyStdio(() => locateHost(folder), context, log);
        return 0;
      }
      const app = await startApp(config, log, { background: true });
      log.info({ version: VERSION, transport: 'stdio', database: describe(app), project: app.defaultProject }, 'tasklane started');
      await serveStdio(app);
      return 0;
    }
    case 'migrate': {
      const store = await openStore(config.databaseUrl, { quickStart: true });
      try {
        const notes: string[] = [];
        const applied = await migrateToLatest(store.db, { embedModel: config.embeddings?.model, onReconciled: (note) => notes.push(note) });
        if (applied.length) process.stdout.write(`applied: ${applied.join(', ')}\n`);
        for (const note of notes) process.stdout.write(`${note}\n`);
        if (!applied.length && !notes.length) process.stdout.write('the database is up to date\n');
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'status':
      return withApp(config, log, async (app) => {
        const project = typeof values.project === 'string' ? values.project : app.defaultProject;
        const r = await app.board.readTaskBreakdown(project, { limit: 1 });
        process.stdout.write(
          `${project}: ${r.total_tasks} tasks, ${r.progress_percent}% done — ready ${r.ready_count}, pending ${r.pending_count}, ` +
            `in progress ${r.in_progress_count}, review ${r.review_count}, completed ${r.completed_count}, failed ${r.failed_count}, ` +
            `blocked ${r.blocked_count}, cancelled ${r.cancelled_count}\n`,
        );
      });
    case 'project':
      return withApp(config, log, async (app) => {
        const project = typeof values.project === 'string' ? values.project : app.defaultProject;
        const current = await app.board.setProjectSettings(project, projectSettingsFrom(values));
        process.stdout.write(`${project}: ${JSON.stringify(current)}\n`);
      });
    case 'import':
    case 'export':
      return withApp(config, log, async (app) => {
        const project = typeof values.project === 'string' ? values.project : app.defaultProject;
        const options = { format: str(values.format), out: str(values.out), commit: values.commit === true, dryRun: values['dry-run'] === true };
        const report = command === 'import' ? await importCommand(app, project, positionals[1], options) : await exportCommand(app, project, options);
        process.stdout.write(report);
      });
    case 'host': {
      const folder = embeddedFolder(config);
      if (!folder) throw new ConfigError('tasklane host: the database is not an embedded folder; a board host serves only those');
      const action = positionals[1] ?? 'status';
      if (action === 'run') return runBoardHost(config, folder).then(() => 0);
      if (action === 'status') return process.stdout.write(await hostStatus(folder)), 0;
      if (action === 'stop') return process.stdout.write(await stopHost(folder)), 0;
      throw new ConfigError(`tasklane host: unknown action "${action}"; use status, stop or run`);
    }
    case 'lessons': {
      const app = await startApp(config, log);
      try {
        const project = typeof values.project === 'string' ? values.project : app.defaultProject;
        return await lessonsCommand(app, project, positionals.slice(1), values);
      } finally {
        await app.close();
      }
    }
    case 'board': {
      const project = typeof values.project === 'string' ? values.project : await resolveDefaultProject(config.project, process.cwd());
      const url = boardUrlFor(config, project);
      process.stdout.write(`${url}\n`);
      if (values.open) openInBrowser(url, log);
      return 0;
    }
    default:
      process.stderr.write(`tasklane: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

/** Runs a one-shot command against the board, closing the database after it. */
async function withApp(config: Config, log: Logger, run: (app: App) => Promise<void>): Promise<number> {
  const app = await startApp(config, log);
  try {
    await run(app);
    return 0;
  } finally {
    await app.close();
  }
}

function projectSettingsFrom(values: Record<string, unknown>): ProjectSettings {
  const settings: ProjectSettings = {};
  const read = (flag: string, min: number, max: number) => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`--${flag}: "${String(raw)}" is not an integer from ${min} to ${max}`);
    return n;
  };
  const lease = read('lease-seconds', 10, 604_800);
  const attempts = read('max-attempts', 1, 100);
  if (lease !== undefined) settings.lease_seconds = lease;
  if (attempts !== undefined) settings.max_attempts = attempts;
  return settings;
}
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** The HTTP settings from the environment, overridden by flags. */
function httpOptions(config: Config, flags: Record<string, string | boolean | undefined>): HttpOptions {
  let port = config.http.port;
  if (typeof flags.port === 'string') {
    port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535) throw new ConfigError(`--port: "${flags.port}" is not a port number (0–65535)`);
  }
  return {
    host: typeof flags.host === 'string' ? flags.host : config.http.host,
    port,
    token: config.http.token,
    stateless: flags.stateless === true || config.http.stateless,
    allowedHosts: config.http.allowedHosts,
    sessionIdleSeconds: config.http.sessionIdleSeconds,
    insecureNoAuth: flags['insecure-no-auth'] === true,
  };
}

/** The embedded database folder, or undefined for a Postgres server or an in-memory database. */
function embeddedFolder(config: Config): string | undefined {
  const url = config.databaseUrl;
  if (isPostgresUrl(url) || url.startsWith('memory://')) return undefined;
  return path.resolve(url.replace(/^file:\/\//, ''));
}

function boardHostFolder(config: Config): string | undefined {
  const folder = config.boardHost ? embeddedFolder(config) : undefined;
  if (folder) fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  return folder;
}

/** The board of the board host when one serves this embedded folder, else of `serve --http` on TASKLANE_PORT. */
function boardUrlFor(config: Config, project: string): string {
  const folder = config.boardHost ? embeddedFolder(config) : undefined;
  const host = folder ? readHostInfo(folder) : undefined;
  if (host) return `${new URL('/board', host.url).href}?project=${encodeURIComponent(project)}`;
  return boardUrl(config.http.port, project);
}

function describe(app: App): string {
  return app.store.engine === 'postgres' ? `postgres ${app.store.location}` : `pglite ${app.store.location}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const expected =
      err instanceof FolderInUseError || err instanceof ConfigError || err instanceof UsageError ||
      err instanceof NotARepositoryError || err instanceof HostStartError;
    if (err instanceof DomainError) {
      process.stderr.write(`tasklane: ${err.code}: ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`tasklane: ${expected ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
