import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { RequestHandler } from 'express';

// requireBearerAuth refuses tokens without a numeric expiry; a static token never expires.
const FAR_FUTURE_SECONDS = 253_402_300_799; // 9999-12-31

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison: hashing first makes the lengths equal, so the length leaks nothing either. */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

const authInfo = (token: string) => ({ token, clientId: 'tasklane-token', scopes: [] as string[], expiresAt: FAR_FUTURE_SECONDS });

/** `Authorization: Bearer <token>` against one static token; 401 with WWW-Authenticate otherwise. */
export function staticBearerAuth(token: string): RequestHandler {
  return requireBearerAuth({
    verifier: {
      verifyAccessToken: async (given) => {
        if (!tokensMatch(given, token)) throw new InvalidTokenError('Invalid token: check TASKLANE_HTTP_TOKEN');
        return authInfo(given);
      },
    },
  });
}

/** What staticBearerAuth lets through, as it reads the header: the auth info, or undefined (it would answer 401). */
export function bearerAccepted(header: string | undefined, token: string): ReturnType<typeof authInfo> | undefined {
  if (!header) return undefined;
  const [type, given] = header.split(' ');
  return type.toLowerCase() === 'bearer' && given && tokensMatch(given, token) ? authInfo(given) : undefined;
}
