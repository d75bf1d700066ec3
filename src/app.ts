import { TokenBook } from './auth/tokens.js';
import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import type { HeldLock } from './db/folder-lock.js';
import { openStore, type Store } from './db/open.js';
import { detectSearchCapabilities } from './db/search-capabilities.js';
import { OllamaEmbeddings } from './embeddings/ollama.js';
import { resolveDefaultProject } from './git/project-name.js';
import { type GitRef, workingTreeRef } from './git/working-tree.js';
import { EmbeddingWorker } from './lessons/embedding-worker.js';
import { LessonBook } from './lessons/lesson-book.js';
import type { Logger } from './log.js';
import { TaskBoard } from './tasks/board.js';
import { startReaper } from './tasks/reaper.js';

export type App = {
  config: Config;
  store: Store;
  board: TaskBoard;
  lessons: LessonBook;
  /** Named HTTP tokens (src/auth/). */
  tokens: TokenBook;
  /** Present when lessons are embedded (vector extension and a provider). */
  embeddingWorker: EmbeddingWorker | null;
  log: Logger;
  defaultProject: string;
  /** With TASKLANE_GIT_AUTO: the branch and commit of the working tree, for status changes that name none. */
  gitRef?: () => Promise<GitRef>;
  close(): Promise<void>;
};

export type StartOptions = {
  /** Background work a serving process does (lease reaper, embedding worker); one-shot commands leave it off. */
  background?: boolean;
  cwd?: string;
  /** An embedded folder: what this process is, for its lock (`tasklane status`), or the lock it already holds. */
  role?: string;
  lock?: HeldLock;
};

/** Opens the database, applies migrations and builds the engines: everything a transport needs. */
export async function startApp(config: Config, log: Logger, options: StartOptions = {}): Promise<App> {
  // Without background work the process is a one-shot command.
  const store = await openStore(config.databaseUrl, { poolMax: config.pgPoolMax, prepared: config.pgPrepared, role: options.role, lock: options.lock, quickStart: !options.background });
  if (store.created) log.info({ database: store.location }, store.created);
  try {
    const onReconciled = (note: string) => log.info(note);
    const applied = await migrateToLatest(store.db, { embedModel: config.embeddings?.model, onReconciled });
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');
  } catch (err) {
    await store.close();
    throw err;
  }
  const cwd = options.cwd ?? process.cwd();
  const defaultProject = await resolveDefaultProject(config.project, cwd);
  const capabilities = await detectSearchCapabilities(store.db);
  const provider = config.embeddings ? new OllamaEmbeddings({ host: config.embeddings.host, model: config.embeddings.model }) : null;
  const worker = capabilities.vector && provider ? new EmbeddingWorker(store.db, provider, log) : null;
  const lessons = new LessonBook(store.db, {
    capabilities,
    embeddings: provider,
    onQueued: () => worker?.nudge(),
    minSimilarity: config.lessonsMinSimilarity,
  });
  if (lessons.lexicalReason) log.info({ trigram: capabilities.trigram }, `lessons search is lexical: ${lessons.lexicalReason}`);
  else log.info({ model: provider!.model, trigram: capabilities.trigram }, 'lessons search is hybrid');
  if (worker && options.background) worker.start();
  const board = new TaskBoard(store.db, {
    leaseSeconds: config.leaseSeconds,
    maxAttempts: config.maxAttempts,
    eventRetentionDays: config.eventRetentionDays,
    notify: store.engine === 'postgres',
    autovacuum: store.engine === 'pglite',
  });
  const listen = store.listenForChanges;
  if (listen) {
    board.changes.setRemoteSource((onPayload) => listen(onPayload, (err) => log.warn({ err }, 'change listener lost its connection; reconnecting')));
  }
  const reaper = options.background ? startReaper(board, log, config.reapIntervalSeconds * 1000) : undefined;
  const unwatch = store.onConnectionEvent?.((event) => {
    if (event.kind === 'lost') {
      log.warn({ err: event.err instanceof Error ? event.err.message : String(event.err) }, 'database connection lost; the next call opens a new one');
      return;
    }
    log.info('database connection restored');
    // Leases that ran out while the database was out of reach go back now, not one interval later.
    reaper?.runNow();
  });
  let closed = false;
  return {
    config,
    store,
    board,
    lessons,
    tokens: new TokenBook(store.db),
    embeddingWorker: worker,
    log,
    defaultProject,
    gitRef: config.gitAuto ? () => workingTreeRef(cwd) : undefined,
    close: async () => {
      if (closed) return;
      closed = true;
      unwatch?.();
      await reaper?.stop();
      await worker?.stop();
      await board.changes.close();
      await store.close();
    },
  };
}
