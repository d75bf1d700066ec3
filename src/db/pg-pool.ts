import type { PostgresPool } from 'kysely';
import pg from 'pg';
import { markNotSent } from './connection-loss.js';
import { PreparingClient } from './pg-prepared.js';

/** How long opening a connection, or waiting for a free one, may take before the call is answered `unavailable`. */
const CONNECT_TIMEOUT_MS = 10_000;
/** TCP keepalive on every connection, so that a server that vanished without a word is noticed. */
const KEEPALIVE_DELAY_MS = 10_000;
/** pg-pool's message when no connection came free within the connect timeout. */
const QUEUE_TIMEOUT = 'timeout exceeded when trying to connect';

export type ConnectionEvent = { kind: 'lost'; err: unknown } | { kind: 'restored' };
export type ConnectionListener = (event: ConnectionEvent) => void;

export type ResilientPool = {
  /** For kysely's PostgresDialect: connect() marks a failure to open a connection as "nothing was sent". */
  pool: PostgresPool;
  /** Tells the listener when the connection to the server is lost and when a new one opens; returns the unsubscribe. */
  onConnectionEvent(listener: ConnectionListener): () => void;
};

/**
 * A pg pool that outlives its connections. pg emits 'error' on a client whose connection ends
 * (pg_terminate_backend, a server restart, idle_session_timeout, a network cut), whether it idles in
 * the pool or is checked out; with no listener that error ends the process. Here each one is caught;
 * pg drops the broken client from the pool when it is idle or released. Listeners hear of each change
 * of state once: lost, then restored with the next connection that opens.
 */
export function openResilientPool(url: string, options: { max: number; prepared: boolean }): ResilientPool {
  const Client = options.prepared ? PreparingClient : pg.Client;
  const raw = new pg.Pool({
    connectionString: url,
    max: options.max,
    Client,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  });
  const listeners = new Set<ConnectionListener>();
  let lost = false;
  const emit = (event: ConnectionEvent) => {
    for (const l of listeners) l(event);
  };
  const onLost = (err: unknown) => {
    if (lost) return;
    lost = true;
    emit({ kind: 'lost', err });
  };
  raw.on('error', onLost);
  raw.on('connect', (client) => {
    client.on('error', onLost);
    if (!lost) return;
    lost = false;
    emit({ kind: 'restored' });
  });
  const pool: PostgresPool = {
    Client,
    options: raw.options,
    connect: () =>
      raw.connect().catch((err: unknown) => {
        // Waiting for a free connection of a busy pool is no sign of a lost server.
        if (!(err instanceof Error && err.message === QUEUE_TIMEOUT)) onLost(err);
        throw markNotSent(err);
      }),
    end: () => raw.end(),
  };
  return {
    pool,
    onConnectionEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
