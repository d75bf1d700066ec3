#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type App, startApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { FolderInUseError } from './db/folder-lock.js';
import { openStore } from './db/open.js';
import type { ProjectSettings } from './db/projects.js';
import { createLogger, type Logger } from './log.js';
import { resolveDefaultProject } from './git/project-name.js';
import { serveStdio } from './transports/stdio.js';
import { boardUrl, openInBrowser } from './web/board-url.js';
import { VERSION } from './version.js';

const HELP = `tasklane ${VERSION} — a shared task board for AI agents, over MCP

Usage:
  tasklane                 serve MCP over stdio (the same as: tasklane serve)
  tasklane serve           serve MCP over stdio
  tasklane migrate         apply database migrations and exit
  tasklane status          print the board's counts for the project and exit
  tasklane project [--lease-seconds N] [--max-attempts N]
                           show or set the project's defaults for new claims and new tasks
  tasklane board [--open]  print (and open) the URL of the web board for the project
  tasklane --help          this help
  tasklane --version       the version

Settings come from the environment (see README): TASKLANE_DATABASE_URL (postgres://…, a folder,
or memory://; default ~/.tasklane/data), TASKLANE_PROJECT, TASKLANE_LOG_LEVEL, TASKLANE_LEASE_SECONDS.
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
      const app = await startApp(config, log, { background: true });
      log.info({ version: VERSION, transport: 'stdio', database: describe(app), project: app.defaultProject }, 'tasklane started');
      await serveStdio(app);
      return 0;
    }
    case 'migrate': {
      const store = await openStore(config.databaseUrl);
      try {
        const applied = await migrateToLatest(store.db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
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
    case 'board': {
      // The HTTP server serves the board; this only says where (the lead wires the local board host).
      const project = typeof values.project === 'string' ? values.project : await resolveDefaultProject(config.project, process.cwd());
      const url = boardUrl(config.port, project);
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

function describe(app: App): string {
  return app.store.engine === 'postgres' ? `postgres ${app.store.location}` : `pglite ${app.store.location}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const expected = err instanceof FolderInUseError || err instanceof ConfigError;
    process.stderr.write(`tasklane: ${expected ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
