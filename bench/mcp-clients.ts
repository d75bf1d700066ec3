import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

/** Makes one connected MCP client per agent: the seam every transport plugs into. */
export type McpClientFactory = (agent: string) => Promise<Client>;

export const CLI = path.resolve(import.meta.dirname, '../dist/src/cli.js');

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

/*
 * HOOK — MCP over streamable HTTP. Once src/transports/http.ts lands, plug it in like this and add an
 * 'http' entry in mcp-section.ts next to stdio (start the server first, e.g. `tasklane serve --http`):
 *
 *   import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
 *   export function httpClients(url: string, token?: string): McpClientFactory {
 *     return async (agent) => {
 *       const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
 *       const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
 *       const client = new Client({ name: agent, version: '1.0.0' });
 *       await client.connect(transport);
 *       return client;
 *     };
 *   }
 */
