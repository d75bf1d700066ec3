import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuth, type OAuth } from '../src/auth/oauth.js';
import type { Store } from '../src/db/open.js';
import { newProject, openTestStore } from './helpers/engines.js';
import { connectHttp, initializeBody, rawRequest, startHttpServer } from './helpers/http-client.js';
import { startIssuer } from './helpers/oauth-issuer.js';
import { text } from './helpers/stdio-client.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Tasklane as an OAuth 2.1 resource server, against a real issuer on loopback (jose keys, RFC 8414 metadata, a JWKS).
describe('OAuth access tokens', () => {
  let store: Store;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let oauth: OAuth;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let audience: string;
  const project = newProject('oauth');
  const metadataUrl = () => oauth.resourceMetadataUrl;

  beforeAll(async () => {
    store = await openTestStore('pglite');
    issuer = await startIssuer();
    const port = await freePort();
    audience = `http://127.0.0.1:${port}/mcp`;
    oauth = await createOAuth({ issuer: issuer.issuer, audience });
    http = await startHttpServer(store, { port, credentials: { oauth, resourceMetadataUrl: oauth.resourceMetadataUrl }, routes: (web) => web.use(oauth.router) });
  });
  afterAll(async () => {
    await http?.server.close();
    await issuer?.close();
    await store?.close();
  });

  const scope = `tasklane:orchestrator tasklane:project:${project}`;

  it('publishes Protected Resource Metadata naming this resource and its issuer', async () => {
    expect(metadataUrl()).toBe(audience.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'));
    const r = await fetch(metadataUrl());
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      resource: audience,
      authorization_servers: [issuer.issuer],
      scopes_supported: ['tasklane:reader', 'tasklane:worker', 'tasklane:orchestrator', 'tasklane:admin', 'tasklane:projects:all'],
    });
  });

  it('accepts a valid token, maps its scopes to a role and projects, and records its subject', async () => {
    const token = await issuer.sign({ aud: audience, scope, sub: 'alice' });
    const agent = await connectHttp(http.url, { token, name: 'planner' });
    try {
      expect((await agent.client.listTools()).tools.map((t) => t.name)).toContain('write_task_list');
      const written = await agent.call('write_task_list', { tasks: [{ id: 'T1', description: 'Set up the schema' }] });
      expect(written.structuredContent).toMatchObject({ project, created: 1 });
      const elsewhere = await agent.call('read_task_breakdown', { project: 'elsewhere' });
      expect(text(elsewhere)).toMatch(/^forbidden: project: credential "oauth:alice" \(role orchestrator\)/);
      const events = await store.db.selectFrom('task_events').select(['actor', 'credential']).where('project_id', '=', project).execute();
      expect(events).toEqual([{ actor: 'planner', credential: 'oauth:alice' }]);
    } finally {
      await agent.close();
    }
    const reader = await connectHttp(http.url, { token: await issuer.sign({ aud: audience, scope: 'tasklane:reader tasklane:projects:all' }) });
    expect((await reader.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['read_task_breakdown', 'search_lessons']);
    await reader.close();
  });

  it.each([
    ['no token', async () => undefined, /error="invalid_token", error_description="Missing Authorization header"/],
    ['wrong audience', async () => issuer.sign({ aud: 'http://127.0.0.1:1/mcp', scope }), /the token is for another resource: its aud must be/],
    ['a token for another resource', async () => issuer.sign({ aud: 'https://other.example.com/mcp', scope }), /the token is for another resource/],
    ['wrong issuer', async () => issuer.sign({ aud: audience, scope, iss: 'https://evil.example.com' }), /the token comes from another issuer/],
    ['expired', async () => issuer.sign({ aud: audience, scope }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), /the token has expired/],
    ['bad signature', async () => issuer.sign({ aud: audience, scope }, { foreignKey: true }), /the token signature does not verify/],
    ['not a JWT', async () => 'not-a-jwt', /not a valid JWT access token/],
  ])('refuses %s with 401 and WWW-Authenticate naming the resource metadata', async (_label, make, reason) => {
    const token = await make();
    const r = await rawRequest(http.url, { headers: token ? { authorization: `Bearer ${token}` } : {}, body: initializeBody });
    expect(r.status).toBe(401);
    const header = r.headers['www-authenticate']!;
    expect(header).toMatch(/^Bearer error="invalid_token"/);
    expect(header).toMatch(reason);
    expect(header).toContain(`resource_metadata="${metadataUrl()}"`);
  });

  it('answers 403 insufficient_scope for a token that grants no role or no project', async () => {
    for (const s of ['openid', 'tasklane:worker']) {
      const r = await rawRequest(http.url, { headers: { authorization: `Bearer ${await issuer.sign({ aud: audience, scope: s })}` }, body: initializeBody });
      expect(r.status).toBe(403);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", error_description="the token grants no (role|project)/);
    }
  });
});
