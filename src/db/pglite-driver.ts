import { type PGlite, parse, protocol } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  PGliteAdapter,
  type Driver,
  PGliteDialect,
  type QueryResult,
  type TransactionSettings,
  CompiledQuery as Compiled,
} from 'kysely';
import { afterStalePlan, STALE_PLAN } from './stale-plan.js';

const { serialize } = protocol;

/** How many distinct statements stay prepared; the engine's own are a few dozen. */
const MAX_PREPARED = 256;

/** A prepared statement: its name, its parameters' types, and the description of its rows (none for a statement without rows). */
type Prepared = { name: string; paramTypes: number[]; rows: BackendMessage | undefined };
type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

const TIMESTAMPTZ = 1184;

/**
 * PGlite reads a timestamptz with `new Date(text)`, and JavaScript's legacy parsing takes the
 * `0001-01-01 00:00:00+00` Postgres writes for the year 1 as 2001. The ISO form is read exactly.
 */
function parseTimestamptz(text: string): Date {
  // The common form, `2026-12-03 16:20:01.123456+00`: the offset's minutes are added, the space made a T.
  if (text.length >= 22 && text.charCodeAt(10) === 32 && text.charCodeAt(4) === 45 && text.charCodeAt(text.length - 3) !== 58 && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?[+-]\d\d$/.test(text)) {
    return new Date(`${text.slice(0, 10)}T${text.slice(11)}:00`);
  }
  const iso = /^\d{4}-\d\d-\d\d \d/.test(text) && !text.endsWith('BC') ? text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00') : text;
  return new Date(iso);
}

/**
 * Kysely's PGlite dialect with a faster driver. PGlite's `query()` parses and plans every statement
 * anew and makes six calls into the WASM backend for each; this driver prepares each distinct
 * statement once (a named statement, kept for the life of the instance, least recently used dropped
 * beyond MAX_PREPARED) and runs it with one call (bind, describe, execute, sync). Measured in
 * bench/: about three times the claim-and-complete cycles of the stock driver.
 *
 * The one connection is handed out in arrival order. Kysely's own single-connection mutex lets a
 * caller that arrives just as the connection is released jump the queue: with 8 agents working, a
 * board read waited 30 s and more. Between acquire and release the holder owns the backend, so
 * transactions run as plain BEGIN/COMMIT.
 */
export class PreparedPGliteDialect extends PGliteDialect {
  constructor(private readonly pglite: PGlite) {
    super({ pglite });
  }

  override createAdapter(): DialectAdapter {
    return new QueuedPGliteAdapter();
  }

  override createDriver(): Driver {
    return new PreparedPGliteDriver(this.pglite);
  }
}

/** Tells Kysely not to add its own mutex: the driver queues callers itself. */
class QueuedPGliteAdapter extends PGliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

/**
 * A lock granted strictly in the order it was asked for, each grant on a later turn of the event
 * loop. PGlite answers within microtasks, so busy callers chained on it would otherwise never let
 * the loop read a socket or fire a timer: a request arriving meanwhile waited until all work ran out.
 */
class FifoLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const granted = this.tail.then(() => new Promise<() => void>((resolve) => setImmediate(() => resolve(release))));
    this.tail = this.tail.then(() => held);
    return granted;
  }
}

class PreparedPGliteDriver implements Driver {
  private readonly connection: PreparedPGliteConnection;
  private readonly lock = new FifoLock();
  private release: (() => void) | undefined;

  constructor(private readonly pglite: PGlite) {
    this.connection = new PreparedPGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.release = await this.lock.acquire();
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(Compiled.raw(`begin${level}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`savepoint "${name}"`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`rollback to savepoint "${name}"`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`release savepoint "${name}"`));
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

class PreparedPGliteConnection implements DatabaseConnection {
  /** Statement text → its prepared statement; a Map iterates in insertion order, which makes it an LRU. */
  private readonly prepared = new Map<string, Prepared>();
  private nextName = 0;

  constructor(private readonly pglite: PGlite) {}

  /** PGlite's parsers, with timestamptz read exactly (set again should PGlite ever rebuild its table). */
  private get parsers(): PGlite['parsers'] {
    const parsers = this.pglite.parsers;
    if (parsers[TIMESTAMPTZ] !== parseTimestamptz) parsers[TIMESTAMPTZ] = parseTimestamptz;
    return parsers;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let messages;
    try {
      messages = await this.run(query);
    } catch (err) {
      // A migration changed a table under a prepared statement: prepare it again, once.
      if ((err as { code?: string }).code !== STALE_PLAN) throw err;
      await this.forget(query.sql);
      messages = await afterStalePlan(err, () => this.run(query));
    }
    const [result] = parse.parseResults(messages, this.parsers, { rowMode: 'object' });
    return {
      rows: (result?.rows ?? []) as R[],
      numAffectedRows: result?.affectedRows != null ? BigInt(result.affectedRows) : undefined,
    };
  }

  /**
   * Binds and executes the prepared statement. Its rows are described once, when it is prepared: a
   * Describe on every run made the backend send, and this process parse, the same row description
   * (a name and type per column) again on each call. No call here asks PGlite to sync its file system:
   * on the folders and the memory this driver is given (Node's file system, PGlite's MemoryFS) that is
   * a no-op, since every write reaches the OS as the backend makes it, yet it cost a mutex and two
   * turns of the event loop, ~9 µs a statement.
   */
  private async run(query: CompiledQuery) {
    const statement = await this.prepare(query.sql);
    const values = query.parameters.map((value, i) => this.serializeParam(value, statement.paramTypes[i]));
    const bindAndRun = [serialize.bind({ statement: statement.name, values }), serialize.execute({}), serialize.sync()];
    const { messages } = await this.pglite.execProtocol(concat(bindAndRun), { syncToFs: false });
    return statement.rows ? [statement.rows, ...messages] : messages;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on PGlite');
  }

  private async prepare(text: string): Promise<Prepared> {
    const known = this.prepared.get(text);
    if (known) {
      this.prepared.delete(text);
      this.prepared.set(text, known);
      return known;
    }
    const name = `tasklane_${this.nextName++}`;
    const { messages } = await this.pglite.execProtocol(
      concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages), rows: messages.find((m) => m.name === 'rowDescription') };
    this.prepared.set(text, statement);
    if (this.prepared.size > MAX_PREPARED) await this.forget(this.prepared.keys().next().value as string);
    return statement;
  }

  private async forget(text: string): Promise<void> {
    const statement = this.prepared.get(text);
    if (!statement) return;
    this.prepared.delete(text);
    await this.pglite.execProtocol(concat([serialize.close({ type: 'S', name: statement.name }), serialize.sync()]), { syncToFs: false });
  }

  /** As PGlite's own query() does: the type's serializer, else the value's text. */
  private serializeParam(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.pglite.serializers[type];
    return serializer ? serializer(value) : String(value);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
