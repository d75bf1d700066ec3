import { type RawBuilder, sql } from 'kysely';
import pg from 'pg';
import type { Db } from './schema.js';

export const CHANGES_CHANNEL = 'tasklane_changes';
/** More task ids than this are sent as [] ("reload"): a notice payload must stay under 8,000 bytes. */
export const NOTICE_MAX_IDS = 100;

/**
 * The same notice as an SQL expression, for a statement that changes tasks and announces it in one
 * round trip. The payload is ChangeFeed.payloadOf's: origin, project, task ids (a text[] expression), kind.
 */
export function changeNotice(origin: string, project: string, taskIds: RawBuilder<string[]>, kind: string): RawBuilder<unknown> {
  const ids = sql`case when cardinality(${taskIds}) > ${NOTICE_MAX_IDS} then '[]'::json else to_json(${taskIds}) end`;
  return sql`pg_notify(${CHANGES_CHANNEL}, json_build_object('origin', ${origin}::text, 'project', ${project}::text, 'task_ids', ${ids}, 'kind', ${kind}::text)::text)`;
}

/** Queued inside the transaction; Postgres delivers it at commit, and drops it on rollback. */
export async function notifyChange(db: Db, payload: string): Promise<void> {
  await sql`select pg_notify(${CHANGES_CHANNEL}, ${payload})`.execute(db);
}

/**
 * LISTEN on one dedicated connection (a pooled one would be handed to other queries). A dropped
 * connection is opened again after a pause; notifications sent meanwhile are lost, which the board
 * tolerates (its pages re-read the snapshot after a reconnect).
 */
export async function listenForChanges(
  connectionString: string,
  onPayload: (payload: string) => void,
  onError: (err: unknown) => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === CHANGES_CHANNEL && msg.payload) onPayload(msg.payload);
    });
    const reconnect = (err?: unknown) => {
      if (stopped || client !== c) return;
      if (err) onError(err);
      client = undefined;
      c.end().catch(() => {});
      retry = setTimeout(() => void connect().catch(reconnect), 1000);
      retry.unref();
    };
    c.on('error', reconnect);
    c.on('end', () => reconnect());
    await c.connect();
    await c.query(`listen ${CHANGES_CHANNEL}`);
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
