import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openStore, type Store } from './db/open.js';
import { detectSearchCapabilities } from './db/search-capabilities.js';
import { OllamaEmbeddings } from './embeddings/ollama.js';
import { resolveDefaultProject } from './git/project-name.js';
import { EmbeddingWorker } from './lessons/embedding-worker.js';
import { LessonBook } from './lessons/lesson-book.js';
import type { Logger } from './log.js';
import { TaskBoard } from './tasks/board.js';

export type App = {
  config: Config;
  store: Store;
  board: TaskBoard;
  lessons: LessonBook;
  /** Present when lessons are embedded (vector extension and a provider). */
  embeddingWorker: EmbeddingWorker | null;
  log: Logger;
  defaultProject: string;
  close(): Promise<void>;
};

export type StartOptions = { cwd?: string; /** The CLI's one-shot commands do not embed in the background. */ worker?: boolean };

/** Opens the database, applies migrations and builds the engines: everything a transport needs. */
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
  const capabilities = await detectSearchCapabilities(store.db);
  const provider = config.embeddings ? new OllamaEmbeddings({ host: config.embeddings.host, model: config.embeddings.model }) : null;
  const worker = capabilities.vector && provider ? new EmbeddingWorker(store.db, provider, log) : null;
  const lessons = new LessonBook(store.db, { capabilities, embeddings: provider, onQueued: () => worker?.nudge() });
  if (lessons.lexicalReason) log.info({ trigram: capabilities.trigram }, `lessons search is lexical: ${lessons.lexicalReason}`);
  else log.info({ model: provider!.model, trigram: capabilities.trigram }, 'lessons search is hybrid');
  if (worker && options.worker !== false) worker.start();
  const board = new TaskBoard(store.db, { leaseSeconds: config.leaseSeconds });
  let closed = false;
  return {
    config,
    store,
    board,
    lessons,
    embeddingWorker: worker,
    log,
    defaultProject,
    close: async () => {
      if (closed) return;
      closed = true;
      await worker?.stop();
      await store.close();
    },
  };
}
