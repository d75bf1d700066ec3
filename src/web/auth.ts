import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { tokensMatch } from '../transports/http-auth.js';

export const SESSION_COOKIE = 'tasklane_board';

/** The cookie holds a digest of the token, never the token itself. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('tasklane board session').digest('base64url');
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined; // malformed percent-encoding: no session
    }
  }
  return undefined;
}

/** No token configured: everyone may. Otherwise the session cookie, or the bearer token itself (scripts). */
export function isAuthorized(req: Request, token: string | undefined): boolean {
  if (!token) return true;
  const cookie = cookieOf(req, SESSION_COOKIE);
  if (cookie && tokensMatch(cookie, sessionValue(token))) return true;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return bearer !== undefined && tokensMatch(bearer, token);
}

/** The sign-in form's token, compared as SHA-256 digests in constant time: neither its content nor its length leaks. */
export function tokenMatches(candidate: unknown, token: string): boolean {
  return typeof candidate === 'string' && tokensMatch(candidate, token);
}

export function requireAuth(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isAuthorized(req, token)) return next();
    res.status(401).json({ error: 'unauthorized', message: 'sign in on the board page with the server token, or send Authorization: Bearer <token>' });
  };
}

export function setSessionCookie(res: Response, token: string, secure: boolean) {
  res.cookie(SESSION_COOKIE, sessionValue(token), { httpOnly: true, sameSite: 'strict', secure, path: '/board' });
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
