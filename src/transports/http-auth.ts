import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { RequestHandler } from 'express';
import type { Access } from '../auth/access.js';
import { accessOf, authInfoFor } from '../auth/request-access.js';
import { withCredential } from '../db/acting-credential.js';

// requireBearerAuth refuses tokens without a numeric expiry; a static token never expires.
const FAR_FUTURE_SECONDS = 253_402_300_799; // 9999-12-31

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The expected token's digest, kept: a server compares every request against the same token. */
const expectedDigests = new Map<string, Buffer>();

/** Constant-time comparison: hashing first makes the lengths equal, so the length leaks nothing either. */
export function tokensMatch(given: string, expected: string): boolean {
  let known = expectedDigests.get(expected);
  if (!known) {
    if (expectedDigests.size >= 16) expectedDigests.clear();
    known = digest(expected);
    expectedDigests.set(expected, known);
  }
  return timingSafeEqual(digest(given), known);
}

/** TASKLANE_HTTP_TOKEN: every role, every project, recorded as `admin`. */
export const ADMIN_ACCESS: Access = { credential: 'admin', role: 'admin', projects: 'all' };

/** The credentials an HTTP server accepts; any of them may be absent. */
export type Credentials = {
  /** TASKLANE_HTTP_TOKEN. */
  adminToken?: string;
  /** Named tokens (src/auth/tokens.ts). */
  tokens?: { verify(token: string): Promise<Access | undefined> };
  /** OAuth access tokens (src/auth/oauth.ts): AuthInfo with its Access, or a thrown InvalidTokenError. */
  oauth?: { verify(token: string): Promise<AuthInfo> };
  /** The Protected Resource Metadata URL, named in WWW-Authenticate on a 401. */
  resourceMetadataUrl?: string;
};

/** What a presented bearer token is: the admin token, a named token, or an OAuth access token. */
export async function verifyCredential(given: string, c: Credentials): Promise<AuthInfo> {
  if (c.adminToken && tokensMatch(given, c.adminToken)) return authInfoFor(ADMIN_ACCESS, given, FAR_FUTURE_SECONDS);
  const named = given.startsWith('tl_') ? await c.tokens?.verify(given) : undefined;
  if (named) return authInfoFor(named, given, FAR_FUTURE_SECONDS);
  if (c.oauth && !given.startsWith('tl_')) return c.oauth.verify(given);
  throw new InvalidTokenError('Invalid token: use TASKLANE_HTTP_TOKEN, a token from `tasklane token create`, or an OAuth access token; a revoked token is refused');
}

/**
 * `Authorization: Bearer <credential>`, 401 with WWW-Authenticate otherwise (the SDK's middleware);
 * then the rest of the request runs as that credential, which the audit log records.
 */
export function credentialAuth(c: Credentials): RequestHandler[] {
  const bearer = requireBearerAuth({ verifier: { verifyAccessToken: (token) => verifyCredential(token, c) }, resourceMetadataUrl: c.resourceMetadataUrl });
  const actAs: RequestHandler = (req, _res, next) => {
    const access = accessOf(req);
    if (!access) return next();
    withCredential(access.credential, next);
  };
  return [bearer, actAs];
}
