import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openStore, type Store } from './db/open.js';
import { resolveDefaultProject } from './git/project-name.js';
import type { Logger } from './log.js';
import { TaskBoard } from './tasks/board.js';
import { startReaper } from './tasks/reaper.js';

export type App = {
  config: Config;
  store: Store;
  board: TaskBoard;
  log: Logger;
  defaultProject: string;
  close(): Promise<void>;
};

/** Opens the database, applies migrations and builds the engine: everything a transport needs. */
export type StartOptions = {
  /** Background work a serving process does (the lease reaper); one-shot commands leave it off. */
  background?: boolean;
  cwd?: string;
};

export async function startApp(config: Config, log: Logger, options: StartOptions = {}): Promise<App> {
  const store = await openStore(config.databaseUrl, { poolMax: config.pgPoolMax });
  try {
    const applied = await migrateToLatest(store.db);
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');
  } catch (err) {
    await store.close();
    throw err;
  }
  const defaultProject = await resolveDefaultProject(config.project, options.cwd ?? process.cwd());
  const board = new TaskBoard(store.db, {
    leaseSeconds: config.leaseSeconds,
    maxAttempts: config.maxAttempts,
    notify: store.engine === 'postgres',
  });
  const listen = store.listenForChanges;
  if (listen) {
    board.changes.setRemoteSource((onPayload) => listen(onPayload, (err) => log.warn({ err }, 'change listener lost its connection; reconnecting')));
  }
  const reaper = options.background ? startReaper(board, log, config.reapIntervalSeconds * 1000) : undefined;
  let closed = false;
  return {
    config,
    store,
    board,
    log,
    defaultProject,
    close: async () => {
      if (closed) return;
      closed = true;
      await reaper?.stop();
      await board.changes.close();
      await store.close();
    },
  };
}
