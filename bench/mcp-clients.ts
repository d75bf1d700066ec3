import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { processCpuMs } from './cpu-time.js';

/** Makes one connected MCP client per agent: the seam every transport plugs into. */
export type McpClientFactory = (agent: string) => Promise<Client>;

/** The bin under test; TASKLANE_BENCH_CLI points at another build (an earlier commit's dist, to compare). */
export const CLI = process.env.TASKLANE_BENCH_CLI ?? path.resolve(import.meta.dirname, '../dist/src/cli.js');

/** Each agent gets its own tasklane process over stdio, as an agent's MCP host would start it. */
export function stdioClients(databaseUrl: string, project: string): McpClientFactory {
  return async (agent) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI],
      env: { ...(process.env as Record<string, string>), TASKLANE_DATABASE_URL: databaseUrl, TASKLANE_PROJECT: project, TASKLANE_LOG_LEVEL: 'warn' },
      stderr: 'ignore',
    });
    const client = new Client({ name: agent, version: '1.0.0' });
    await client.connect(transport);
    return client;
  };
}

/**
 * fetch giving each POST a signal of its own, linked to the transport's until the response arrives. The
 * SDK's transport passes one shared signal to every fetch, and undici leaves a listener on it per request
 * until garbage collection: thousands of them, each new one checked against the rest, made the bench's
 * clients slower as a cell ran (and printed MaxListenersExceededWarning).
 */
const fetchWithOwnSignal: typeof fetch = async (input, init) => {
  const shared = init?.signal;
  if (!shared || init?.method !== 'POST') return fetch(input, init);
  const own = new AbortController();
  const abort = () => own.abort(shared.reason);
  if (shared.aborted) abort();
  else shared.addEventListener('abort', abort, { once: true });
  try {
    return await fetch(input, { ...init, signal: own.signal });
  } finally {
    shared.removeEventListener('abort', abort);
  }
};

/** Each agent connects to one running `tasklane serve --http` over streamable HTTP, with the token. */
export function httpClients(url: string, token: string): McpClientFactory {
  return async (agent) => {
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: fetchWithOwnSignal,
    });
    const client = new Client({ name: agent, version: '1.0.0' });
    await client.connect(transport);
    return client;
  };
}

export type HttpServer = {
  url: string;
  token: string;
  /** CPU time the server process has used so far (Linux /proc), else undefined. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
};

/** Starts the real bin as `tasklane serve --http` on a free loopback port and waits until it is ready. */
export async function startHttpServer(databaseUrl: string, project: string, nodeArgs: string[] = []): Promise<HttpServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve', '--http', '--port', String(port)], {
    env: {
      ...(process.env as Record<string, string>),
      TASKLANE_DATABASE_URL: databaseUrl, TASKLANE_PROJECT: project, TASKLANE_HTTP_TOKEN: token, TASKLANE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`tasklane serve --http exited with ${child.exitCode}`);
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) break;
    if (waited > 60_000) {
      child.kill('SIGKILL');
      throw new Error('tasklane serve --http did not become ready in 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `${base}/mcp`,
    token,
    cpuMs: () => processCpuMs(child.pid),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
