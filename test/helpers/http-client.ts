import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Store } from '../../src/db/open.js';
import { createLogger } from '../../src/log.js';
import { createHttpServer, type HttpOptions } from '../../src/transports/http.js';
import { LessonBook } from '../../src/lessons/lesson-book.js';
import { testBoard, testLessons } from './engines.js';

/** The real HTTP server in this process, on a free loopback port, over a test store. */
export async function startHttpServer(store: Store, options: Partial<HttpOptions> = {}, lessons?: LessonBook) {
  const server = createHttpServer(
    { board: testBoard(store), lessons: lessons ?? (await testLessons(store)), store, log: createLogger('silent'), defaultProject: 'http-default' },
    { host: '127.0.0.1', port: 0, ...options },
  );
  const { url } = await server.listen();
  return { server, url };
}

/** The SDK client over StreamableHTTPClientTransport, with the bearer token when given. */
export async function connectHttp(url: string, { token, name = 'http-agent' }: { token?: string; name?: string } = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
  });
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    transport,
    call: async (tool: string, args: Record<string, unknown>) => (await client.callTool({ name: tool, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}

/** A raw request with any headers (fetch refuses to set Host). */
export function rawRequest(url: string, { method = 'POST', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const initializeBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** Waits for a condition that a background sweep makes true; fails with the message after the deadline. */
export async function eventually(check: () => boolean, message: string, deadlineMs = 20_000) {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(message);
    await new Promise((r) => setTimeout(r, 100));
  }
}
