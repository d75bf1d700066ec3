import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';
import { type ClientError, clientErrorText, toClientError } from '../tasks/client-error.js';
import { DomainError, invalid } from '../tasks/errors.js';

const STATUS: Record<ClientError['code'], number> = {
  invalid_input: 400,
  not_found: 404,
  invalid_transition: 409,
  dependency_cycle: 409,
  conflict: 409,
  lease_lost: 409,
  forbidden: 403,
  unavailable: 503,
  internal_error: 500,
};

/** express.json's verify: a body that is not valid UTF-8 is refused (the parser would turn it into U+FFFD silently). */
export function utf8Only(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(invalid('body', 'is not valid UTF-8; send the JSON as UTF-8'), { status: 400 });
}

/** JSON errors only: a DomainError keeps its code and message; anything else is sorted by toClientError, never shown raw. */
export function jsonErrors(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const { status, type } = (err ?? {}) as { status?: number; type?: string };
    const domain = err instanceof DomainError;
    if (status === 404 && !domain) {
      res.status(404).json({ error: 'not_found', message: `nothing at ${req.originalUrl.split('?')[0]}` });
      return;
    }
    if (status && status >= 400 && status < 500 && !domain) {
      const message = type === 'entity.parse.failed' ? 'the request body is not valid JSON' : `the request was refused (${type ?? status})`;
      res.status(status).json({ error: 'invalid_input', message });
      return;
    }
    const answer = toClientError(err, log, { path: req.path });
    if (answer.code === 'unavailable') res.setHeader('Retry-After', '5');
    res.status(STATUS[answer.code]).json({ error: answer.code, message: answer.ref ? clientErrorText(answer) : answer.message, ...(answer.ref ? { ref: answer.ref } : {}) });
  };
}
