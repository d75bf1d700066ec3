import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/db/open.js';
import { openTestStore } from './helpers/engines.js';
import { initializeBody, rawRequest, startHttpServer } from './helpers/http-client.js';
import { type HttpBin, spawnHttpBin } from './helpers/serve-bin.js';

/** An initialize request padded to about `bytes`. */
const paddedInitialize = (bytes: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'padded', version: '1' }, _meta: { pad: 'x'.repeat(bytes) } },
  });

/**
 * Sends the headers of a POST at once and its body one byte per `everyMs`; resolves with what the
 * server answered and when it closed the connection (or when the test gave up).
 */
function trickle(url: string, everyMs: number, giveUpMs: number) {
  const { hostname, port } = new URL(url);
  return new Promise<{ closedAfterMs: number; answer: string; cut: boolean }>((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (cut: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs: Date.now() - started, answer, cut });
    };
    const giveUp = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (c) => (answer += c));
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(
        `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
          `Accept: application/json, text/event-stream\r\nContent-Length: 10000\r\n\r\n{`,
      );
      timer = setInterval(() => socket.write(' '), everyMs);
    });
  });
}

describe('HTTP limits, in process', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(() => store?.close());

  it('refuses a body over maxMessageBytes with 413 as JSON-RPC, naming the setting', async () => {
    const { server, url } = await startHttpServer(store, { maxMessageBytes: 64 * 1024 });
    try {
      const over = await rawRequest(url, { body: paddedInitialize(70 * 1024) });
      expect(over.status).toBe(413);
      expect(JSON.parse(over.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/TASKLANE_MAX_MESSAGE_BYTES/) } });
      const under = await rawRequest(url, { body: paddedInitialize(60 * 1024) });
      expect(under.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('takes bodies up to the default 16 MiB message limit, not 1 MiB', async () => {
    const { server, url } = await startHttpServer(store);
    try {
      const big = await rawRequest(url, { body: paddedInitialize(2 * 1024 * 1024) });
      expect(big.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('cuts a request whose body trickles in past the request timeout', async () => {
    const { server, url } = await startHttpServer(store, { requestTimeoutSeconds: 2 });
    try {
      const r = await trickle(url, 500, 15_000);
      expect(r.cut).toBe(true);
      expect(r.closedAfterMs).toBeLessThan(5000);
      expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await server.close();
    }
  });

  it('refuses a new session over the cap with 503 and Retry-After; ending a session frees a place', async () => {
    const { server, url } = await startHttpServer(store, { maxSessions: 2 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await rawRequest(url, { body: initializeBody });
        expect(r.status).toBe(200);
        ids.push(r.headers['mcp-session-id'] as string);
      }
      const refused = await rawRequest(url, { body: initializeBody });
      expect(refused.status).toBe(503);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(refused.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringMatching(/TASKLANE_HTTP_MAX_SESSIONS/) } });
      // An existing session keeps working at the cap.
      const ping = await rawRequest(url, {
        headers: { 'mcp-session-id': ids[0], 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
      });
      expect(ping.status).toBe(200);
      const ended = await rawRequest(url, { method: 'DELETE', headers: { 'mcp-session-id': ids[1], 'mcp-protocol-version': '2025-06-18' } });
      expect(ended.status).toBe(200);
      expect((await rawRequest(url, { body: initializeBody })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('HTTP limits of the bin, from its settings', () => {
  let bin: HttpBin;
  beforeAll(async () => {
    bin = await spawnHttpBin({
      TASKLANE_DATABASE_URL: 'memory://',
      TASKLANE_MAX_MESSAGE_BYTES: String(1024 * 1024),
      TASKLANE_HTTP_REQUEST_TIMEOUT_SECONDS: '3',
      TASKLANE_HTTP_MAX_SESSIONS: '3',
    });
  });
  afterAll(() => bin?.stop());

  it('cuts a body sent one byte every 2 s within the request timeout, and serves on', async () => {
    const r = await trickle(bin.url, 2000, 30_000);
    expect(r.cut).toBe(true);
    expect(r.closedAfterMs).toBeLessThan(6000);
    expect((await rawRequest(bin.url, { body: initializeBody })).status).toBe(200);
  });

  it('answers 413 over TASKLANE_MAX_MESSAGE_BYTES and 503 with Retry-After over TASKLANE_HTTP_MAX_SESSIONS', async () => {
    expect((await rawRequest(bin.url, { body: paddedInitialize(1024 * 1024 + 10) })).status).toBe(413);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await rawRequest(bin.url, { body: initializeBody })).status);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    const refused = await rawRequest(bin.url, { body: initializeBody });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(bin.alive()).toBe(true);
  });
});
