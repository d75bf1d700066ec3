import type { Transaction } from 'kysely';
import { selectColumnUse, selectScalarMetadataKeys } from '../db/export-columns.js';
import { changeLogBatches, countChangeLog, taskBatches } from '../db/export-cursors.js';
import type { Database } from '../db/schema.js';
import { countByStatus } from '../db/tasks.js';
import type { ExportHead, TableColumns, TrackerFormatSpec } from '../trackers/tracker-writer.js';
import { eventView, SNAPSHOT_BATCH, withLinksAndNotes } from './snapshot.js';
import { DEFAULT_PRIORITY } from './status.js';

/** Where an export's text goes, a piece at a time; the promise settles once the destination can take more. */
export type ExportSink = (text: string) => Promise<void>;

/** `limit`: at most this many tasks and change-log entries (the rest counted on a closing line); `onBatch`: tasks read so far. */
export type ExportOptions = { limit?: number; onBatch?: (read: number) => void };

/**
 * Streams a project's board into `sink` in a format: read a batch (in the format's order, with its
 * links and notes), render it, hand it on, drop it. What the top of a tracker needs from across the
 * board (counts, the columns of a table) is asked first; all of it inside one read-only snapshot.
 */
export async function exportBoard(trx: Transaction<Database>, projectId: string, spec: TrackerFormatSpec, sink: ExportSink, options: ExportOptions = {}) {
  const limit = options.limit ?? Infinity;
  const counts = await countByStatus(trx, projectId, false);
  const head: ExportHead = {
    project: projectId,
    generated_at: new Date().toISOString(),
    counts: { total: counts.total, completed: counts.completed ?? 0, cancelled: counts.cancelled ?? 0 },
    ...(spec.columns ? { columns: await tableColumns(trx, projectId) } : {}),
  };
  const writer = spec.writer();
  const send = (text: string) => (text ? sink(text) : Promise.resolve());
  await send(writer.start(head));
  // The next batch is read while this one is rendered and written: the server and this process work at once.
  const batches = taskBatches(trx, projectId, spec.order, Math.min(SNAPSHOT_BATCH, limit));
  const readBatch = async () => {
    const next = await batches.next();
    return next.done ? undefined : withLinksAndNotes(trx, projectId, next.value);
  };
  let read = 0;
  let next = readBatch();
  try {
    for (let batch = await next; batch; batch = await next) {
      read += batch.length;
      next = read < limit ? readBatch() : Promise.resolve(undefined);
      next.catch(() => {}); // awaited by the loop, or below when the sink failed
      await send(writer.tasks(batch));
      options.onBatch?.(read);
    }
  } finally {
    await next.catch(() => {});
    await batches.return(undefined);
  }
  await send(writer.tasksDone(read >= limit ? Math.max(0, counts.total - read) : 0));
  let logged = 0;
  if (spec.changeLog) {
    for await (const rows of changeLogBatches(trx, projectId, Math.min(SNAPSHOT_BATCH, limit))) {
      await send(writer.events(rows.map(eventView)));
      if ((logged += rows.length) >= limit) break;
    }
  }
  await send(writer.end(logged >= limit ? (await countChangeLog(trx, projectId)) - logged : 0));
}

/** The optional columns of a tasks.md table, with the metadata keys in the order a reader of the whole board meets them. */
async function tableColumns(trx: Transaction<Database>, projectId: string): Promise<TableColumns> {
  const use = await selectColumnUse(trx, projectId, DEFAULT_PRIORITY);
  // Within one task, JavaScript lists integer-like keys first, in numeric order, then the rest as stored.
  const index = (key: string) => (/^(0|[1-9]\d{0,8})$/.test(key) ? Number(key) : Infinity);
  const keys = (await selectScalarMetadataKeys(trx, projectId)).sort(
    (a, b) => a.seq.length - b.seq.length || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0) || index(a.key) - index(b.key) || a.ord - b.ord,
  );
  return { ...use, metadataKeys: keys.map((k) => k.key) };
}
