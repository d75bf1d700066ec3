import type { Kysely } from 'kysely';
import { countQueuedJobs, enqueueEmbedding } from '../db/embedding-jobs.js';
import { insertLesson, taskExists } from '../db/lessons.js';
import { ensureProject } from '../db/projects.js';
import type { Database, Db } from '../db/schema.js';
import type { SearchCapabilities } from '../db/search-capabilities.js';
import { type LessonScope, type RankedLesson, searchLessonsLexical, searchLessonsSemantic } from '../db/search-lessons.js';
import { selectLessonsOfTask } from '../db/task-lessons.js';
import { selectTask } from '../db/tasks.js';
import { inTransaction } from '../db/transaction.js';
import type { EmbeddingProvider } from '../embeddings/provider.js';
import { taskNotFound } from '../tasks/errors.js';
import type { RecordLessonInput, SearchLessonsInput } from './inputs.js';
import { cutText } from '../tasks/input-rules.js';
import { type LessonView, lessonView, type StoredLessonView, storedLessonView } from './lesson-view.js';
import { type AttachedLesson, lessonsForTask } from './lessons-for-task.js';
import { fuseByReciprocalRank } from './reciprocal-rank-fusion.js';
import { DEFAULT_MIN_SIMILARITY, lexicalOnlyReason, trigramWords } from './search-setup.js';

export type LessonBookOptions = {
  capabilities: SearchCapabilities;
  /** null: embeddings off (lexical search only). */
  embeddings: EmbeddingProvider | null;
  /** Called after a lesson and its embedding job are committed (the worker starts at once). */
  onQueued?: () => void;
  /** How long a search waits for the query's embedding before it falls back to lexical. */
  queryEmbedTimeoutMs?: number;
  /** Semantic matches below this cosine similarity are dropped (default DEFAULT_MIN_SIMILARITY). */
  minSimilarity?: number;
};

export type RecordedLesson = { id: string; title: string; scope: 'project' | 'global'; embedding: 'queued' | 'disabled' };

export type SearchResult = { project: string; mode: 'hybrid' | 'lexical'; lexical_reason?: string; lessons: LessonView[] };

/** One task's lessons: those recorded on it, and those a worker claiming it would be handed. */
export type TaskLessons = { project: string; task_id: string; recorded: StoredLessonView[]; relevant: AttachedLesson[] };

const TITLE_CHARS = 120;
const RECORDED_MAX = 20;

/** Lessons learned: written at once, found by words always and by meaning once embedded. No MCP here. */
export class LessonBook {
  readonly lexicalReason: string | null;

  constructor(
    readonly db: Kysely<Database>,
    readonly options: LessonBookOptions,
  ) {
    this.lexicalReason = lexicalOnlyReason(options.capabilities, options.embeddings);
  }

  async record(project: string, input: Omit<RecordLessonInput, 'project'>, agent: string | null): Promise<RecordedLesson> {
    const global = input.scope === 'global';
    const embed = this.lexicalReason === null ? this.options.embeddings : null;
    const row = await inTransaction(this.db, async (trx) => {
      await ensureProject(trx, project);
      if (input.task_id && !(await taskExists(trx, project, input.task_id))) throw taskNotFound(input.task_id, project);
      const lesson = await insertLesson(trx, {
        project_id: global ? null : project,
        task_id: input.task_id ?? null,
        title: input.title?.trim() || cutText(input.lesson.trim().split('\n', 1)[0].trim(), TITLE_CHARS),
        body: input.lesson,
        tags: [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))],
        created_by: agent,
      });
      if (embed) await enqueueEmbedding(trx, lesson.id, embed.model);
      return lesson;
    });
    if (embed) this.options.onQueued?.();
    return {
      id: String(row.id),
      title: row.title,
      scope: global ? 'global' : 'project',
      embedding: embed ? 'queued' : 'disabled',
    };
  }

  async search(project: string, input: Omit<SearchLessonsInput, 'project'>): Promise<SearchResult> {
    const limit = input.limit ?? 5;
    const scope: LessonScope = { projectId: project, includeGlobal: input.include_global ?? true, tags: input.tags, taskId: input.task_id };
    let reason = this.lexicalReason;
    let queryEmbedding: number[] | undefined;
    if (reason === null) {
      try {
        queryEmbedding = await this.#embedQuery(input.query);
      } catch (err) {
        reason = `the embedding provider failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
      }
    }
    return inTransaction(this.db, async (trx) => {
      if (input.task_id && !(await taskExists(trx, project, input.task_id))) throw taskNotFound(input.task_id, project);
      const pool = Math.max(3 * limit, 20);
      const words = this.options.capabilities.trigram ? trigramWords(input.query) : [];
      const lexical = await searchLessonsLexical(trx, input.query, scope, { pool, trigramWords: words });
      let semantic: RankedLesson[] = [];
      if (queryEmbedding) {
        const minSimilarity = this.options.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
        semantic = await searchLessonsSemantic(trx, queryEmbedding, this.options.embeddings!.model, scope, { pool, minSimilarity });
        if (semantic.length === 0) reason = await this.#whyNoVectors(trx);
      }
      const fused = fuseByReciprocalRank(semantic.length ? { lexical, semantic } : { lexical }).slice(0, limit);
      const lessons = fused.map((f) => lessonView(f.item, f.score, f.matchedBy));
      return semantic.length || reason === null
        ? { project, mode: 'hybrid' as const, lessons }
        : { project, mode: 'lexical' as const, lexical_reason: reason, lessons };
    });
  }

  /** The lessons recorded on a task (newest first, up to 20) and the relevant ones a worker gets with it. */
  async lessonsOfTask(project: string, taskId: string): Promise<TaskLessons> {
    return inTransaction(this.db, async (trx) => {
      const relevant = await this.#relevant(trx, project, taskId);
      const recorded = await selectLessonsOfTask(trx, project, taskId, RECORDED_MAX);
      return { project, task_id: taskId, recorded: recorded.map(storedLessonView), relevant };
    });
  }

  /** What `lessonsForTask` hands a worker with this task (the claim's lessons), without claiming it. */
  async relevantLessons(project: string, taskId: string): Promise<AttachedLesson[]> {
    return inTransaction(this.db, (trx) => this.#relevant(trx, project, taskId));
  }

  async #relevant(db: Db, project: string, taskId: string): Promise<AttachedLesson[]> {
    const task = await selectTask(db, project, taskId);
    if (!task) throw taskNotFound(taskId, project);
    return lessonsForTask(db, project, task);
  }

  async #embedQuery(query: string): Promise<number[]> {
    const ms = this.options.queryEmbedTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    });
    try {
      const [embedding] = await Promise.race([this.options.embeddings!.embed([query]), timeout]);
      return embedding;
    } finally {
      clearTimeout(timer);
    }
  }

  async #whyNoVectors(db: Db): Promise<string | null> {
    const queued = await countQueuedJobs(db);
    return queued > 0 ? `embeddings still queued (${queued} lesson${queued === 1 ? '' : 's'})` : null;
  }
}
