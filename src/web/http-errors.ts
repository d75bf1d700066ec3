import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';
import { asDomainError, type ErrorCode } from '../tasks/errors.js';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  invalid_transition: 409,
  dependency_cycle: 409,
  conflict: 409,
  lease_lost: 409,
  unavailable: 503,
};

/** JSON errors only: a DomainError keeps its code and message; anything else is logged, never shown. */
export function jsonErrors(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const domain = asDomainError(err);
    if (domain) {
      if (domain.code === 'unavailable') res.setHeader('Retry-After', '5');
      res.status(STATUS[domain.code] ?? 400).json({ error: domain.code, message: domain.message });
      return;
    }
    const { status, type } = err as { status?: number; type?: string };
    if (status === 404) {
      res.status(404).json({ error: 'not_found', message: `nothing at ${req.originalUrl.split('?')[0]}` });
      return;
    }
    if (status && status >= 400 && status < 500) {
      const message = type === 'entity.parse.failed' ? 'the request body is not valid JSON' : `the request was refused (${type ?? status})`;
      res.status(status).json({ error: 'invalid_input', message });
      return;
    }
    log.error({ err, path: req.path }, 'board request failed');
    res.status(500).json({ error: 'internal', message: 'the board could not answer; see the server log' });
  };
}
