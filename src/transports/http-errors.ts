import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../log.js';

/** Every error over HTTP is a JSON-RPC error object: never Express's HTML page, never a stack trace. */
export function sendJsonRpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

type BodyParserError = Error & { type?: string; status?: number };

/** maxBodyBytes: the body limit the 413 names (TASKLANE_MAX_MESSAGE_BYTES). */
export function jsonRpcErrorHandler(log: Logger, maxBodyBytes: number): ErrorRequestHandler {
  return (err: BodyParserError, req, res, _next) => {
    if (res.headersSent) {
      log.warn({ err: err.message, path: req.path }, 'error after the response started');
      res.end();
      return;
    }
    if (err.type === 'entity.parse.failed') return sendJsonRpcError(res, 400, -32700, 'Parse error: the body is not valid JSON');
    if (err.type === 'entity.too.large') {
      const limit = `${maxBodyBytes} bytes (${+(maxBodyBytes / 1024 / 1024).toFixed(2)} MiB)`;
      return sendJsonRpcError(res, 413, -32600, `Request body over ${limit}, the server's TASKLANE_MAX_MESSAGE_BYTES: send a smaller batch`);
    }
    if (err.status && err.status >= 400 && err.status < 500) return sendJsonRpcError(res, err.status, -32600, `Invalid Request: ${err.message}`);
    log.error({ err, path: req.path }, 'http request failed');
    sendJsonRpcError(res, 500, -32603, 'Internal error');
  };
}

export const notFound: RequestHandler = (req, res) =>
  sendJsonRpcError(res, 404, -32601, `Not found: ${req.method} ${req.path}; the MCP endpoint is /mcp`);
