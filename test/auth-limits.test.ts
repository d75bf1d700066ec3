import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBook } from '../src/auth/tokens.js';
import type { Store } from '../src/db/open.js';
import { openTestStore } from './helpers/engines.js';
import { connectHttp, initializeBody, rawRequest, startHttpServer } from './helpers/http-client.js';

// Limits per credential: one runaway agent (or a leaked token) cannot take the whole server.
describe('limits per credential', () => {
  let store: Store;
  let book: TokenBook;
  const token = async () => (await book.create({ name: `lim-${randomUUID().slice(0, 8)}`, role: 'reader', projects: 'all' })).token;
  beforeAll(async () => {
    store = await openTestStore('pglite');
    book = new TokenBook(store.db);
  });
  afterAll(() => store?.close());

  it('answers 429 with Retry-After past the request rate of one credential, and not to another', async () => {
    const admin = 'limits-admin-token-0123456789';
    const { server, url } = await startHttpServer(store, { token: admin, credentials: { tokens: book }, perCredential: { requestsPerMinute: 5 } });
    try {
      const [busy, calm] = [await token(), await token()];
      for (let i = 0; i < 5; i++) expect((await rawRequest(url, { headers: { authorization: `Bearer ${busy}` }, body: initializeBody })).status).toBe(200);
      const refused = await rawRequest(url, { headers: { authorization: `Bearer ${busy}` }, body: initializeBody });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(JSON.parse(refused.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringMatching(/^Too many requests: credential "lim-\w+" may send 5 a minute to this server \(TASKLANE_HTTP_CREDENTIAL_RATE\); retry after \d+ s$/) } });
      expect((await rawRequest(url, { headers: { authorization: `Bearer ${calm}` }, body: initializeBody })).status).toBe(200);
      // TASKLANE_HTTP_TOKEN, often shared by a whole fleet since before named tokens, is not limited.
      for (let i = 0; i < 7; i++) expect((await rawRequest(url, { headers: { authorization: `Bearer ${admin}` }, body: initializeBody })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('counts the calls of an open session too, not only new sessions', async () => {
    const { server, url } = await startHttpServer(store, { credentials: { tokens: book }, perCredential: { requestsPerMinute: 6 } });
    const agent = await connectHttp(url, { token: await token() }); // initialize and its notification: 2 requests
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) outcomes.push(await agent.client.listTools().then(() => 'ok', (err: Error) => err.message));
      // The session's own requests (initialize, its notification, the SSE stream) count as well.
      expect(outcomes[0]).toBe('ok');
      expect(outcomes.at(-1)).toMatch(/Too many requests: credential .*lim-\w+.* may send 6 a minute/);
    } finally {
      await agent.close().catch(() => {});
      await server.close();
    }
  });

  it('answers an initialize past the session cap of one credential 429 with Retry-After; its sessions go on', async () => {
    const { server, url } = await startHttpServer(store, { credentials: { tokens: book }, perCredential: { maxSessions: 2 } });
    const [busy, calm] = [await token(), await token()];
    const open = [await connectHttp(url, { token: busy }), await connectHttp(url, { token: busy })];
    try {
      const refused = await rawRequest(url, { headers: { authorization: `Bearer ${busy}` }, body: initializeBody });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('30');
      expect(JSON.parse(refused.body).error.message).toMatch(/^Too many sessions: credential "lim-\w+" holds 2 \(TASKLANE_HTTP_CREDENTIAL_MAX_SESSIONS\)/);
      expect((await open[0].call('read_task_breakdown', { project: 'limits' })).isError).toBeFalsy();
      const other = await connectHttp(url, { token: calm });
      await other.close();
      await open[1].transport.terminateSession(); // DELETE: the place is free at once
      await open[1].close();
      const again = await connectHttp(url, { token: busy });
      await again.close();
    } finally {
      await open[0].close();
      await server.close();
    }
  });
});
