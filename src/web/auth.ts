import { createHmac } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { type Access, boardActionForbidden, checkProject, mayBoardAction } from '../auth/access.js';
import { hashToken } from '../auth/tokens.js';
import { withCredential } from '../db/acting-credential.js';
import { asDomainError } from '../tasks/errors.js';
import { ADMIN_ACCESS, tokensMatch } from '../transports/http-auth.js';

export const SESSION_COOKIE = 'tasklane_board';

/** The credentials the board accepts: the server's admin token and named tokens (src/auth/tokens.ts). */
export type BoardCredentials = {
  token?: string;
  tokens?: { verify(token: string): Promise<Access | undefined>; verifyHash(hash: string): Promise<Access | undefined> };
};

/** No credential configured: everyone may do everything (a loopback board without auth). */
export const OPEN = 'open' as const;
export type BoardAccess = Access | typeof OPEN;

/** The admin cookie holds a digest of the token, never the token itself. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('tasklane board session').digest('base64url');
}

/**
 * A session cookie: `a.<digest of the admin token>`, or `t.<SHA-256 of a named token>` (what the database
 * keeps), checked again on every request, so a revoked token's sessions end within a second too.
 */
function cookieValue(access: Access, token: string, c: BoardCredentials): string {
  return access === ADMIN_ACCESS && c.token ? `a.${sessionValue(c.token)}` : `t.${hashToken(token)}`;
}

/** What a presented token is (sign-in form, bearer header): the admin token or a named one. */
export async function tokenAccess(candidate: unknown, c: BoardCredentials): Promise<Access | undefined> {
  if (typeof candidate !== 'string' || candidate === '') return undefined;
  if (c.token && tokensMatch(candidate, c.token)) return ADMIN_ACCESS;
  return candidate.startsWith('tl_') ? c.tokens?.verify(candidate) : undefined;
}

/** The request's credential: its session cookie (parsed by `cookie`), or its bearer token (scripts). */
export async function boardAccess(req: Request, c: BoardCredentials): Promise<BoardAccess | undefined> {
  if (!c.token && !c.tokens) return OPEN;
  const session = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
  if (session?.startsWith('a.') && c.token && tokensMatch(session.slice(2), sessionValue(c.token))) return ADMIN_ACCESS;
  if (session?.startsWith('t.') && /^[0-9a-f]{64}$/.test(session.slice(2))) {
    const access = await c.tokens?.verifyHash(session.slice(2));
    if (access) return access;
  }
  return tokenAccess(/^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1], c);
}

/** The sign-in form's token, compared as SHA-256 digests in constant time: neither its content nor its length leaks. */
export function tokenMatches(candidate: unknown, token: string): boolean {
  return typeof candidate === 'string' && tokensMatch(candidate, token);
}

/**
 * Lets a request through when its credential may do `action` (view, note, priority, retry, cancel) on the
 * request's project; the rest of the request then runs as that credential (the audit log records it).
 */
export function requireAccess(c: BoardCredentials, action: string, projectOf: (req: Request) => string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const access = await boardAccess(req, c);
    if (!access) {
      return void res.status(401).json({ error: 'unauthorized', message: 'sign in on the board page with a token (orchestrator or admin), or send Authorization: Bearer <token>' });
    }
    if (access === OPEN) return next();
    try {
      if (!mayBoardAction(access, action)) throw boardActionForbidden(access, action);
      checkProject(access, projectOf(req), 'the board');
    } catch (err) {
      const refused = asDomainError(err);
      if (refused?.code !== 'forbidden') throw err; // a bad ?project= is the error handler's 400
      return void res.status(403).json({ error: refused.code, message: refused.message });
    }
    res.locals.access = access;
    withCredential(access.credential, next);
  };
}

export function setSessionCookie(res: Response, access: Access, token: string, c: BoardCredentials, secure: boolean) {
  res.cookie(SESSION_COOKIE, cookieValue(access, token, c), { httpOnly: true, sameSite: 'strict', secure, path: '/board' });
}

export function setAdminCookie(res: Response, adminToken: string, secure: boolean) {
  res.cookie(SESSION_COOKIE, `a.${sessionValue(adminToken)}`, { httpOnly: true, sameSite: 'strict', secure, path: '/board' });
}

export function clearSessionCookie(res: Response) {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/board' });
}

/**
 * Refuses state-changing requests from other sites. Browsers send Sec-Fetch-Site and Origin on
 * cross-origin POSTs; a request with neither comes from a script, not from a page (no CSRF).
 */
export function sameOriginOnly(allowedOrigins: string[] = []) {
  return (req: Request, res: Response, next: NextFunction) => {
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    const originOk = origin === undefined || origin === own || allowedOrigins.includes(origin);
    const siteOk = site === undefined || site === 'same-origin' || (origin !== undefined && allowedOrigins.includes(origin));
    if (originOk && siteOk) return next();
    res.status(403).json({ error: 'forbidden', message: `cross-origin request refused (origin ${origin ?? 'unknown'}); act from the board page itself` });
  };
}
