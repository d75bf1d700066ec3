import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { accessOf } from '../auth/request-access.js';
import { sendJsonRpcError } from './http-errors.js';

/** Retry-After of an initialize refused at a credential's session cap: DELETEs and the idle sweep free places. */
export const CREDENTIAL_SESSIONS_RETRY_SECONDS = 30;

/**
 * Whose requests and sessions are counted: named tokens and OAuth subjects. Not TASKLANE_HTTP_TOKEN (the
 * operator's, often shared by a whole fleet in setups from before named tokens), nor requests without auth.
 */
export const limitedCredential = (access: { credential: string } | undefined) => (access && access.credential !== 'admin' ? access.credential : undefined);

/**
 * At most `perMinute` /mcp requests a minute for each limited credential on this replica (a fixed
 * one-minute window, express-rate-limit's memory store); one more gets 429 with Retry-After (the seconds
 * left in the window).
 */
export function credentialRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: false,
    legacyHeaders: false,
    skip: (req) => limitedCredential(accessOf(req)) === undefined,
    keyGenerator: (req) => limitedCredential(accessOf(req))!,
    handler: (req, res) => {
      const credential = accessOf(req)!.credential;
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime() ?? Date.now() + 60_000;
      const seconds = Math.max(1, Math.ceil((reset - Date.now()) / 1000));
      res.setHeader('Retry-After', String(seconds));
      sendJsonRpcError(res, 429, -32000, `Too many requests: credential "${credential}" may send ${perMinute} a minute to this server (TASKLANE_HTTP_CREDENTIAL_RATE); retry after ${seconds} s`);
    },
    validate: false,
  });
}
