#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type App, startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { FolderInUseError } from './db/folder-lock.js';
import { openStore } from './db/open.js';
import { createLogger } from './log.js';
import { serveStdio } from './transports/stdio.js';
import { VERSION } from './version.js';
import { z } from 'zod';
import { requeueAllLessons } from './db/embedding-jobs.js';
import { recordLessonInput } from './lessons/inputs.js';
import { renderLessonSearch, renderRecordedLesson } from './mcp/render.js';
import { DomainError } from './tasks/errors.js';

const HELP = `tasklane ${VERSION} — a shared task board for AI agents, over MCP

Usage:
  tasklane                 serve MCP over stdio (the same as: tasklane serve)
  tasklane serve           serve MCP over stdio
  tasklane migrate         apply database migrations and exit
  tasklane status          print the board's counts for the project and exit
  tasklane lessons search "query" [--limit n]   search lessons learned
  tasklane lessons add "text" [--tags a,b] [--title t] [--task-id T1] [--global]   record a lesson
  tasklane lessons reembed queue every lesson for embedding again (after a model change) and embed them
  tasklane --help          this help
  tasklane --version       the version

Settings come from the environment (see README): TASKLANE_DATABASE_URL (postgres://…, a folder,
or memory://; default ~/.tasklane/data), TASKLANE_PROJECT, TASKLANE_LOG_LEVEL, TASKLANE_LEASE_SECONDS,
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
      tags: { type: 'string' },
      title: { type: 'string' },
      'task-id': { type: 'string' },
      global: { type: 'boolean' },
      limit: { type: 'string' },
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
      const app = await startApp(config, log);
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
    case 'status': {
      const app = await startApp(config, log);
      try {
        const project = typeof values.project === 'string' ? values.project : app.defaultProject;
        const r = await app.board.readTaskBreakdown(project, { limit: 1 });
        process.stdout.write(
          `${project}: ${r.total_tasks} tasks, ${r.progress_percent}% done — ready ${r.ready_count}, pending ${r.pending_count}, ` +
            `in progress ${r.in_progress_count}, review ${r.review_count}, completed ${r.completed_count}, failed ${r.failed_count}, ` +
            `blocked ${r.blocked_count}, cancelled ${r.cancelled_count}\n`,
        );
      } finally {
        await app.close();
      }
      return 0;
    }
    case 'lessons': {
      const app = await startApp(config, log, { worker: false });
      try {
        const project = typeof values.project === 'string' ? values.project : app.defaultProject;
        return await lessonsCommand(app, project, positionals.slice(1), values);
      } finally {
        await app.close();
      }
    }
    default:
      process.stderr.write(`tasklane: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

type Flags = Record<string, string | boolean | undefined>;
const flag = (values: Flags, name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

async function lessonsCommand(app: App, project: string, args: string[], values: Flags): Promise<number> {
  const [sub, ...words] = args;
  const usage = () => {
    process.stderr.write('usage: tasklane lessons search "query" | add "text" [--tags a,b] | reembed\n');
    return 2;
  };
  try {
    if (sub === 'search') {
      const query = words.join(' ').trim();
      if (!query) return usage();
      const limit = flag(values, 'limit') ? z.coerce.number().int().min(1).max(50).parse(flag(values, 'limit')) : undefined;
      const r = await app.lessons.search(project, { query, limit });
      process.stdout.write(`${renderLessonSearch(r)}\n`);
      return 0;
    }
    if (sub === 'add') {
      const input = z.object(recordLessonInput).parse({
        lesson: words.join(' '),
        title: flag(values, 'title'),
        tags: flag(values, 'tags')?.split(',').map((t) => t.trim()).filter(Boolean),
        task_id: flag(values, 'task-id'),
        scope: values.global ? 'global' : 'project',
      });
      const r = await app.lessons.record(project, input, process.env.USER ?? null);
      process.stdout.write(`${renderRecordedLesson(r)}\n`);
      return 0;
    }
    if (sub === 'reembed') {
      if (!app.embeddingWorker) {
        process.stderr.write(`tasklane: cannot embed: ${app.lessons.lexicalReason}\n`);
        return 1;
      }
      const queued = await requeueAllLessons(app.store.db, app.embeddingWorker.provider.model);
      const done = await app.embeddingWorker.drain();
      const left = queued - done.embedded;
      process.stdout.write(
        `queued ${queued} lesson(s) for ${app.embeddingWorker.provider.model}; embedded ${done.embedded}` +
          (left > 0 ? `; ${left} left in the queue for the server's worker (the provider failed: see the log)` : '') + '\n',
      );
      return left > 0 ? 1 : 0;
    }
    return usage();
  } catch (err) {
    if (err instanceof DomainError) {
      process.stderr.write(`tasklane: ${err.code}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof z.ZodError) {
      process.stderr.write(`tasklane: ${err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}\n`);
      return 1;
    }
    throw err;
  }
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
