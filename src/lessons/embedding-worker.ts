import type { Kysely } from 'kysely';
import { claimDueJobs, type DueJob, ensureVectorIndex, recordedDimension, rescheduleJob, storeEmbedding } from '../db/embedding-jobs.js';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { EmbeddingProvider } from '../embeddings/provider.js';
import type { Logger } from '../log.js';

export type EmbeddingWorkerOptions = {
  batchSize?: number;
  pollMs?: number;
  /** How long a taken job is held before another worker may take it again (a crash loses nothing). */
  leaseSeconds?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
};

export type BatchOutcome = { taken: number; embedded: number; failed: number };

/** Exponential backoff with jitter: base · 2^(attempt−1), capped, then 50–100 % of that. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/**
 * Embeds queued lessons in batches, in the server process. It takes jobs in one short statement and
 * calls the model outside any transaction, so record_lesson never waits for it; a failed batch is
 * retried with exponential backoff and a job is deleted only once its vector is stored.
 */
export class EmbeddingWorker {
  readonly #options: Required<EmbeddingWorkerOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #dimensionChecked = false;
  readonly #indexed = new Set<number>();

  constructor(
    readonly db: Kysely<Database>,
    readonly provider: EmbeddingProvider,
    readonly log: Logger,
    options: EmbeddingWorkerOptions = {},
  ) {
    this.#options = { batchSize: 16, pollMs: 1000, leaseSeconds: 120, backoffBaseMs: 2000, backoffMaxMs: 300_000, ...options };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Looks at the queue now rather than at the next poll (a lesson was just queued). */
  nudge(): void {
    if (this.#stopped || this.#running) return;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Runs batches until no job is due; returns the totals (the CLI's reembed). */
  async drain(): Promise<BatchOutcome> {
    const total: BatchOutcome = { taken: 0, embedded: 0, failed: 0 };
    for (;;) {
      const batch = await this.runOnce();
      total.taken += batch.taken;
      total.embedded += batch.embedded;
      total.failed += batch.failed;
      if (batch.taken === 0 || batch.embedded === 0) return total;
    }
  }

  async runOnce(): Promise<BatchOutcome> {
    if (!this.#dimensionChecked) {
      const recorded = await recordedDimension(this.db, this.provider.model);
      if (recorded !== undefined) this.provider.expectDimensions(recorded);
      this.#dimensionChecked = true;
    }
    const jobs = await claimDueJobs(this.db, this.provider.model, this.#options.batchSize, this.#options.leaseSeconds);
    if (jobs.length === 0) return { taken: 0, embedded: 0, failed: 0 };
    let vectors: number[][];
    try {
      vectors = await this.provider.embed(jobs.map((j) => `${j.title}\n${j.body}`));
    } catch (err) {
      await this.#retryLater(jobs, err);
      return { taken: jobs.length, embedded: 0, failed: jobs.length };
    }
    const dimensions = vectors[0].length;
    await inTransaction(this.db, async (trx) => {
      if (!this.#indexed.has(dimensions)) await ensureVectorIndex(trx, dimensions);
      for (const [i, job] of jobs.entries()) await storeEmbedding(trx, job.lesson_id, this.provider.model, vectors[i]);
    });
    this.#indexed.add(dimensions);
    this.log.debug({ embedded: jobs.length, model: this.provider.model }, 'lessons embedded');
    return { taken: jobs.length, embedded: jobs.length, failed: 0 };
  }

  async #retryLater(jobs: DueJob[], err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    const { backoffBaseMs, backoffMaxMs } = this.#options;
    for (const job of jobs) await rescheduleJob(this.db, job.lesson_id, backoffMs(job.attempts, backoffBaseMs, backoffMaxMs), message);
    const attempts = Math.max(...jobs.map((j) => j.attempts));
    this.log.warn({ jobs: jobs.length, attempts, model: this.provider.model, error: message }, 'embedding failed; the lessons stay lexical and will be retried');
  }

  #schedule(delayMs: number) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#running = this.#loop().finally(() => {
        this.#running = undefined;
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #loop() {
    let next = this.#options.pollMs;
    try {
      const batch = await this.runOnce();
      if (batch.embedded === this.#options.batchSize) next = 0;
    } catch (err) {
      this.log.error({ err }, 'embedding worker: a batch failed; retrying at the next poll');
    }
    if (!this.#stopped) this.#schedule(next);
  }
}
