import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';

type RpcMessage = { method?: unknown; params?: { name?: unknown } };

/** The JSON-RPC methods of a body and, for tools/call, the tool names. */
function describeBody(body: unknown): { rpc?: string; tool?: string } {
  const messages = (Array.isArray(body) ? body : [body]).filter((m): m is RpcMessage => typeof m === 'object' && m !== null);
  const methods = messages.map((m) => m.method).filter((m): m is string => typeof m === 'string');
  const tools = messages
    .filter((m) => m.method === 'tools/call' && typeof m.params?.name === 'string')
    .map((m) => m.params!.name as string);
  return { rpc: methods.length ? methods.join(',') : undefined, tool: tools.length ? tools.join(',') : undefined };
}

/**
 * One line per request, when it ends: method, path, JSON-RPC method, tool, status, duration, session.
 * Headers (the token) never. Nothing is gathered when the level leaves the line out.
 */
export function watchRequest(log: Logger, req: IncomingMessage & { body?: unknown; path?: string }, res: ServerResponse & { locals?: Record<string, unknown> }): void {
  const path = req.path ?? (req.url ?? '/').split('?')[0];
  const quiet = path === '/healthz' || path === '/readyz';
  if (!log.isLevelEnabled(quiet ? 'debug' : 'info')) return;
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const entry = {
      method: req.method,
      path,
      ...(req.method === 'POST' ? describeBody(req.body) : {}),
      status: res.statusCode,
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      session: (req.headers['mcp-session-id'] as string | undefined) ?? (res.locals?.session as string | undefined),
      aborted: !res.writableFinished || undefined,
    };
    log[quiet ? 'debug' : 'info'](entry, 'http request');
  });
}

export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    watchRequest(log, req, res);
    next();
  };
}
