import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ListToolsResult } from '@modelcontextprotocol/sdk/types.js';

type Handler = (request: unknown, extra: unknown) => Promise<ListToolsResult>;

/**
 * Agents pay for every token of tools/list. The SDK stamps `"$schema": "…draft-07…"` on each input and
 * output schema (18 times, ~200 tokens); nothing reads it, so the list is served without it. The SDK
 * keeps its handlers private: if that ever changes this throws at startup, never silently.
 */
export function compactToolList(server: McpServer): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  const list = handlers?.get('tools/list');
  if (!handlers || !list) throw new Error('compactToolList: the MCP SDK no longer exposes its tools/list handler');
  handlers.set('tools/list', async (request, extra) => {
    const result = await list(request, extra);
    for (const tool of result.tools) {
      delete (tool.inputSchema as Record<string, unknown>).$schema;
      if (tool.outputSchema) delete (tool.outputSchema as Record<string, unknown>).$schema;
    }
    return result;
  });
}
