import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** A request handler as the SDK's Server keeps it. */
export type RequestHandler<P = Record<string, unknown>, R = unknown> = (request: { method: string; params: P }, extra: unknown) => Promise<R>;

/**
 * Replaces the handler McpServer registered for `method` by `wrap(handler)`. The SDK offers no public
 * way to reach a registered handler, so this reads its private `_requestHandlers`, here and nowhere
 * else; if a version of the SDK ever drops it, the server fails at startup, never silently.
 */
export function wrapRequestHandler<P, R>(server: McpServer, method: string, wrap: (inner: RequestHandler<P, R>) => RequestHandler<P, R>): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, RequestHandler<P, R>> })._requestHandlers;
  const inner = handlers?.get(method);
  if (!handlers || !inner) throw new Error(`the MCP SDK no longer exposes its ${method} handler; Tasklane needs it to wrap ${method}`);
  handlers.set(method, wrap(inner));
}
