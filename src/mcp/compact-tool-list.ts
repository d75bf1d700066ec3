import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { wrapRequestHandler } from './wrap-handler.js';

/**
 * Agents pay for every token of tools/list. The SDK stamps `"$schema": "…draft-07…"` on each input and
 * output schema (18 times, ~200 tokens); nothing reads it, so the list is served without it.
 */
export function compactToolList(server: McpServer): void {
  wrapRequestHandler<unknown, ListToolsResult>(server, 'tools/list', (list) => async (request, extra) => {
    const result = await list(request, extra);
    for (const tool of result.tools) {
      delete (tool.inputSchema as Record<string, unknown>).$schema;
      if (tool.outputSchema) delete (tool.outputSchema as Record<string, unknown>).$schema;
    }
    return result;
  });
}
