import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { SessionTransport } from './http-session-calls.js';

type Session = {
  server: McpServer;
  transport: SessionTransport;
  lastSeen: number;
  /** Requests and open streams of this session; a session with one open is never idle. */
  active: number;
  /** The credential that opened it: only that one may use it. */
  owner?: string;
};

/**
 * The live MCP sessions, each with its own server and transport. Clients often vanish without DELETE,
 * so a sweep closes sessions that have had nothing open for the idle timeout.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly idleMs: number,
    private readonly log: Logger,
  ) {
    this.#timer = setInterval(() => this.sweep(), Math.min(Math.max(idleMs / 4, 250), 60_000));
    this.#timer.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  add(id: string, server: McpServer, transport: SessionTransport, owner?: string): void {
    this.#sessions.set(id, { server, transport, lastSeen: Date.now(), active: 0, owner });
    transport.onclose = () => this.#sessions.delete(id);
  }

  /** The session's transport, if the session is open (not counted as a use). */
  get(id: string): SessionTransport | undefined {
    return this.#sessions.get(id)?.transport;
  }

  /** Sessions opened by this credential. */
  ownedBy(owner: string): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.owner === owner) n++;
    return n;
  }

  /** The session's transport, counted active until the response closes; undefined when another credential opened it. */
  use(id: string, res: ServerResponse, owner?: string): SessionTransport | undefined {
    const session = this.#sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    session.active++;
    session.lastSeen = Date.now();
    res.once('close', () => {
      session.active--;
      session.lastSeen = Date.now();
    });
    return session.transport;
  }

  sweep(now = Date.now()): void {
    for (const [id, s] of this.#sessions) {
      if (s.active === 0 && now - s.lastSeen > this.idleMs) {
        this.log.info({ session: id, idle_seconds: Math.round((now - s.lastSeen) / 1000) }, 'session expired');
        void this.#close(id, s);
      }
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#sessions].map(([id, s]) => this.#close(id, s)));
  }

  async #close(id: string, s: Session): Promise<void> {
    this.#sessions.delete(id);
    await s.server.close().catch((err) => this.log.warn({ session: id, err }, 'closing a session failed'));
  }
}
