import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

/**
 * A database of its own on the TEST_DATABASE_URL server, for tests that terminate every connection
 * of their database: other test files keep theirs.
 */
export async function createFaultDatabase(label: string) {
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_${label}_${randomUUID().slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: base.href });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(base.href);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    /** The same database through another host:port (a proxy). */
    urlVia: (port: number) => {
      const via = new URL(url.href);
      via.hostname = '127.0.0.1';
      via.port = String(port);
      return via.href;
    },
    /** Ends every backend connected to the database; returns how many. */
    terminateAll: async () => {
      const { rows } = await admin.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      return rows[0].n as number;
    },
    /** Runs SQL in the database on a connection of the test's own. */
    query: async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
      const c = new pg.Client({ connectionString: url.href });
      await c.connect();
      try {
        return (await c.query<R>(text, values)).rows;
      } finally {
        await c.end();
      }
    },
    drop: async () => {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export type FaultDatabase = Awaited<ReturnType<typeof createFaultDatabase>>;

/**
 * A TCP relay to the Postgres server that a test can take down (refusing connections, and cutting the
 * open ones as a restart would), put back, or turn into a black hole (accepting and never answering).
 */
export class PostgresProxy {
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #blackhole = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    await this.down();
    this.#blackhole = false;
    const server = net.createServer((client) => {
      this.#sockets.add(client);
      client.on('close', () => this.#sockets.delete(client));
      client.on('error', () => {});
      if (this.#blackhole) return;
      const upstream = net.connect(this.target.port, this.target.host);
      this.#sockets.add(upstream);
      upstream.on('close', () => this.#sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** Nothing listens on the port any more, and every relayed connection is cut. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** New connections are accepted and then left without a byte; open ones are cut. */
  async blackhole(): Promise<void> {
    await this.up();
    this.#blackhole = true;
  }
}

export function serverOf(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432) };
}
