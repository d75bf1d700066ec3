import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import express, { type Express, type Request, type Response } from 'express';
import { sql } from 'kysely';
import type { App } from '../app.js';
import { DEFAULT_HTTP_MAX_SESSIONS, DEFAULT_HTTP_REQUEST_TIMEOUT_SECONDS } from '../config.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../local-settings.js';
import { pendingMigrations } from '../db/migrate.js';
import { createMcpServer } from '../mcp/server.js';
import { VERSION } from '../version.js';
import { accessOf } from '../auth/request-access.js';
import { type Credentials, credentialAuth, verifyCredential } from './http-auth.js';
import { withCredential } from '../db/acting-credential.js';
import { jsonRpcErrorHandler, notFound, sendJsonRpcError } from './http-errors.js';
import { allowedHostnames, assertSafeBinding, hostAllowed, hostAndOriginValidation } from './http-guards.js';
import { requestLog, watchRequest } from './http-log.js';
import { SessionTransport } from './http-session-calls.js';
import { SessionRegistry } from './http-sessions.js';

export type HttpDeps = Pick<App, 'board' | 'lessons' | 'store' | 'log' | 'defaultProject' | 'gitRef'>;

export type HttpOptions = {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When set, every /mcp request needs `Authorization: Bearer <token>`: this admin token (TASKLANE_HTTP_TOKEN) or another credential. */
  token?: string;
  /** Named tokens and OAuth besides the admin token; when given, /mcp needs one of them (src/transports/http-auth.ts). */
  credentials?: Omit<Credentials, 'adminToken'>;
  /** One server and transport per request, no session ids: for replicas behind a plain load balancer. */
  stateless?: boolean;
  /** Extra hostnames accepted in Host and Origin. */
  allowedHosts?: string[];
  sessionIdleSeconds?: number;
  /** Sessions open at once (TASKLANE_HTTP_MAX_SESSIONS); one more initialize gets 503 with Retry-After. */
  maxSessions?: number;
  /** The largest request body (TASKLANE_MAX_MESSAGE_BYTES); a larger one gets 413. */
  maxMessageBytes?: number;
  /** The time a client has to send a whole request (TASKLANE_HTTP_REQUEST_TIMEOUT_SECONDS); then 408 and the connection closes. */
  requestTimeoutSeconds?: number;
  /** Allows a non-loopback binding without a token. */
  insecureNoAuth?: boolean;
  /** How long shutdown waits for in-flight calls before cutting connections. */
  shutdownGraceMs?: number;
  /**
   * More routes (a web board, say): mounted after the Host/Origin checks, outside /mcp's bearer auth,
   * before the JSON 404 and error handlers.
   */
  routes?: (app: Express) => void;
};

export type HttpServer = {
  listen(): Promise<{ host: string; port: number; url: string }>;
  /**
   * Lets in-flight calls finish while /readyz and new requests get 503, then stops listening and closes
   * every session. The database is the caller's to close.
   */
  close(): Promise<void>;
  readonly address: { host: string; port: number; url: string } | undefined;
  sessionCount(): number;
  /** Requests other than SSE GET streams whose responses are still open. */
  inFlightCalls(): number;
};

/** A readiness check the database has not answered within this long is answered 503. */
const READY_CHECK_MS = 2000;
/** The headers of a request must all arrive within this long (and within the request timeout). */
const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node holds open connections against those timeouts; its default (30 s) lets a trickle run on that much longer. */
const TIMEOUT_CHECK_MS = 1000;
/** Retry-After of an initialize refused at the session cap: the idle sweep and DELETEs free places. */
const SESSION_CAP_RETRY_SECONDS = 30;

/** MCP over streamable HTTP at /mcp, with /healthz and /readyz, auth, DNS rebinding protection and sessions. */
export function createHttpServer(deps: HttpDeps, options: HttpOptions): HttpServer {
  const authenticated = Boolean(options.token || options.credentials);
  assertSafeBinding(options.host, authenticated ? 'credentials' : undefined, options.insecureNoAuth ?? false);
  const { log } = deps;
  const sessions = new SessionRegistry((options.sessionIdleSeconds ?? 1800) * 1000, log);
  const maxSessions = options.maxSessions ?? DEFAULT_HTTP_MAX_SESSIONS;
  const maxBody = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  // Single answers go back as JSON bodies, not one-event SSE streams: cheaper for both ends.
  const transportOptions = { maxRequestBodySize: maxBody, enableJsonResponse: true };
  const calls = new InFlight();
  let initializing = 0;
  let readiness: Promise<string[]> | undefined;
  /** One check at a time, however many probes ask: a database that hangs must not pile them up. */
  const checkReadiness = () =>
    (readiness ??= (async () => {
      await sql`select 1`.execute(deps.store.db);
      return pendingMigrations(deps.store.db);
    })().finally(() => (readiness = undefined)));
  let closing: Promise<void> | undefined;
  let address: HttpServer['address'];

  const hostnames = allowedHostnames(options.host, options.allowedHosts ?? []);
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(log));
  // Before the Host check: probes and load balancers call these by any address, and they reveal nothing.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: VERSION, sessions: sessions.size });
  });
  app.get('/readyz', async (_req, res) => {
    if (closing) return void res.status(503).json({ status: 'stopping' });
    try {
      const pending = await withinMs(checkReadiness(), READY_CHECK_MS);
      if (pending.length) return void res.status(503).json({ status: 'not_ready', pending_migrations: pending });
      res.json({ status: 'ready', database: deps.store.engine });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'readiness check failed');
      res.status(503).json({ status: 'not_ready', reason: 'the database does not answer' });
    }
  });
  app.use(hostAndOriginValidation(hostnames));
  app.use((req, res, next) => {
    if (!closing) return next();
    res.setHeader('Connection', 'close');
    sendJsonRpcError(res, 503, -32000, 'The server is shutting down: retry on another replica or after it restarts');
  });
  if (authenticated) app.use('/mcp', credentialAuth({ adminToken: options.token, ...options.credentials }));
  app.use('/mcp', express.json({ limit: maxBody }));
  app.all('/mcp', (req, res, next) => {
    if (req.method !== 'GET') calls.track(res);
    next();
  });
  app.all('/mcp', options.stateless ? handleStateless : handleStateful);
  options.routes?.(app);
  app.use(notFound);
  app.use(jsonRpcErrorHandler(log, maxBody));

  async function handleStateful(req: Request, res: Response) {
    const id = req.headers['mcp-session-id'];
    const owner = accessOf(req)?.credential;
    if (typeof id === 'string') {
      const transport = sessions.use(id, res, owner);
      if (!transport) return sendJsonRpcError(res, 404, -32001, 'Session not found: it ended or expired; initialize a new one');
      return transport.handleRequest(req, res, req.body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) {
      return sendJsonRpcError(res, 400, -32000, 'Bad Request: send initialize first, then the Mcp-Session-Id header it returns');
    }
    if (sessions.size + initializing >= maxSessions) {
      res.setHeader('Retry-After', String(SESSION_CAP_RETRY_SECONDS));
      return sendJsonRpcError(res, 503, -32000, `Too many sessions: this server holds ${maxSessions} (TASKLANE_HTTP_MAX_SESSIONS); end unused ones with DELETE, or retry later`);
    }
    const server = createMcpServer(deps);
    const transport: SessionTransport = new SessionTransport(new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid): void => {
        res.locals.session = sid; // for the request log: the id is new, not in the request
        sessions.add(sid, server, transport, owner);
      },
      ...transportOptions,
    }));
    initializing++;
    try {
      await server.connect(transport);
      await transport.sdk.handleRequest(req, res, req.body);
    } finally {
      initializing--;
    }
    if (!transport.sessionId) await server.close(); // initialize refused: nothing to keep
  }

  async function handleStateless(req: Request, res: Response) {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJsonRpcError(res, 405, -32000, 'Method not allowed: this server is stateless; POST to /mcp');
    }
    const server = createMcpServer(deps);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, ...transportOptions });
    res.once('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  const credentials: Credentials = { adminToken: options.token, ...options.credentials };
  /** What credentialAuth makes of the Authorization header: its AuthInfo, or undefined where it would answer 401. */
  async function bearer(header: string | undefined): Promise<AuthInfo | undefined> {
    const [type, given] = (header ?? '').split(' ');
    if (type.toLowerCase() !== 'bearer' || !given) return undefined;
    const info = await verifyCredential(given, credentials).catch(() => undefined);
    return info && typeof info.expiresAt === 'number' && info.expiresAt >= Date.now() / 1000 ? info : undefined;
  }

  /**
   * The common request, a tool call on an open session, taken before Express: the same checks as the
   * middleware above (no Origin, an allowed Host, the credential, a JSON body within the limit), the
   * body read and parsed once here, then answered by the session (SessionTransport) as its credential.
   * Express's routing and body parser measured about a fifth of the server's CPU per call
   * (bench/profile-cycle.ts http). A request that is anything else, or unusual in any way, goes to
   * Express as before (with its body parsed), so every refusal is Express's own.
   */
  function takeCall(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (closing || req.method !== 'POST' || req.url !== '/mcp' || req.headers.origin !== undefined) return false;
    const id = req.headers['mcp-session-id'];
    const transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport || !hostAllowed(req.headers.host, hostnames)) return false;
    const length = Number(req.headers['content-length']);
    if (req.headers['content-type'] !== 'application/json' || req.headers['content-encoding'] !== undefined || !(length > 0 && length <= maxBody)) return false;
    const verified = authenticated ? bearer(req.headers.authorization) : Promise.resolve(undefined);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', async () => {
      const auth = await verified;
      const body = strictJson(Buffer.concat(chunks).toString('utf8'));
      const request = Object.assign(req, { body, auth });
      // Refused credentials: Express answers 401 as it would have.
      if (authenticated && !auth) return app(request as Request, res as Response);
      const call = body === undefined ? undefined : transport.plainCall(req, body);
      const access = accessOf(request);
      if (call && sessions.use(id as string, res, access?.credential)) {
        watchRequest(log, request, res);
        calls.track(res);
        return access ? withCredential(access.credential, () => transport.answer(call, request, res)) : transport.answer(call, request, res);
      }
      if (body !== undefined) return app(request as Request, res as Response);
      // What express.json and jsonRpcErrorHandler answer to a body that is not JSON.
      watchRequest(log, request, res);
      const text = JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not valid JSON' }, id: null });
      res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
    return true;
  }

  // On Node 20 these take effect only when given here, not set on the server afterwards.
  const requestTimeout = (options.requestTimeoutSeconds ?? DEFAULT_HTTP_REQUEST_TIMEOUT_SECONDS) * 1000;
  const httpServer = http.createServer(
    { requestTimeout, headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout), connectionsCheckingInterval: TIMEOUT_CHECK_MS },
    (req, res) => {
      if (!takeCall(req, res)) app(req, res);
    },
  );

  return {
    get address() {
      return address;
    },
    sessionCount: () => sessions.size,
    inFlightCalls: () => calls.count,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(options.port, options.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const host = options.host.includes(':') ? `[${options.host}]` : options.host;
          address = { host: options.host, port, url: `http://${host}:${port}/mcp` };
          resolve(address);
        });
      }),
    close: () => {
      closing ??= (async () => {
        // Still listening meanwhile: /readyz and new requests are answered 503, not refused.
        await calls.drained(options.shutdownGraceMs ?? 10_000);
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await sessions.closeAll();
        httpServer.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

/** Counts calls whose responses are still open, so shutdown can wait for them. */
class InFlight {
  #count = 0;
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  track(res: http.ServerResponse): void {
    this.#count++;
    res.once('close', () => {
      if (--this.#count === 0) for (const w of this.#waiters.splice(0)) w();
    });
  }

  drained(timeoutMs: number): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** A body as express.json (strict) takes it: an object or array, else undefined (a parse error). */
function strictJson(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The promise's value, or a rejection once `ms` have passed without one. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
