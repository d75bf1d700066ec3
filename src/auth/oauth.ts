import { discoverAuthorizationServerMetadata } from '@modelcontextprotocol/sdk/client/auth.js';
import { InsufficientScopeError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { getOAuthProtectedResourceMetadataUrl, mcpAuthMetadataRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Router } from 'express';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { ConfigError } from '../config.js';
import { type Access, ROLES, type Role } from './access.js';
import { authInfoFor } from './request-access.js';

export type OAuthSettings = {
  /** TASKLANE_OAUTH_ISSUER: the authorization server; its metadata names the JWKS. */
  issuer: string;
  /** TASKLANE_OAUTH_AUDIENCE: this server's resource URL (https://host/mcp); tokens must carry it in `aud`. */
  audience: string;
};

/** Scopes that grant a role (the highest one present wins) and projects. */
export const ROLE_SCOPE = (role: Role) => `tasklane:${role}`;
export const ALL_PROJECTS_SCOPE = 'tasklane:projects:all';
const PROJECT_SCOPE_PREFIX = 'tasklane:project:';

function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  return [];
}

/**
 * What an access token's scopes grant: `tasklane:reader|worker|orchestrator|admin` (the highest wins),
 * and `tasklane:project:<id>` for each project or `tasklane:projects:all`. Recorded as `oauth:<sub>`.
 */
export function accessFromScopes(subject: string, scopes: string[]): Access {
  const role = [...ROLES].reverse().find((r) => scopes.includes(ROLE_SCOPE(r)));
  if (!role) throw new InsufficientScopeError(`the token grants no role: it needs one of the scopes ${ROLES.map(ROLE_SCOPE).join(', ')}`);
  const projects = scopes.filter((s) => s.startsWith(PROJECT_SCOPE_PREFIX)).map((s) => s.slice(PROJECT_SCOPE_PREFIX.length)).filter(Boolean);
  if (!scopes.includes(ALL_PROJECTS_SCOPE) && projects.length === 0) {
    throw new InsufficientScopeError(`the token grants no project: it needs ${PROJECT_SCOPE_PREFIX}<id> or ${ALL_PROJECTS_SCOPE}`);
  }
  return { credential: `oauth:${subject}`, role, projects: scopes.includes(ALL_PROJECTS_SCOPE) ? 'all' : projects };
}

const REFUSALS: Array<[new (...args: never[]) => Error, string]> = [
  [errors.JWTExpired, 'the token has expired: get a new one'],
  [errors.JWSSignatureVerificationFailed, 'the token signature does not verify against the issuer keys'],
  [errors.JWKSNoMatchingKey, 'no key of the issuer signed this token'],
];

/** Why a token was refused, for the 401's error_description (never the token itself). */
function refusal(err: unknown, settings: OAuthSettings): InvalidTokenError {
  for (const [type, message] of REFUSALS) if (err instanceof type) return new InvalidTokenError(message);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new InvalidTokenError(`the token is for another resource: its aud must be ${settings.audience}`);
    if (err.claim === 'iss') return new InvalidTokenError(`the token comes from another issuer: its iss must be ${settings.issuer}`);
    return new InvalidTokenError(`the token's ${err.claim} claim is not valid`);
  }
  return new InvalidTokenError('the token is not a valid JWT access token from the configured issuer');
}

export type OAuth = {
  verify(token: string): Promise<AuthInfo>;
  /** Where the Protected Resource Metadata is (named in WWW-Authenticate on every 401). */
  resourceMetadataUrl: string;
  /** /.well-known/oauth-protected-resource/<path> (and the issuer's metadata), from the SDK. */
  router: Router;
};

/**
 * An OAuth 2.1 resource server as the MCP authorization spec asks: reads the issuer's metadata once,
 * checks each JWT's signature (JWKS, fetched and cached by jose), issuer, audience and expiry.
 */
export async function createOAuth(settings: OAuthSettings): Promise<OAuth> {
  let metadata: Awaited<ReturnType<typeof discoverAuthorizationServerMetadata>>;
  try {
    metadata = await discoverAuthorizationServerMetadata(settings.issuer);
  } catch (err) {
    throw new ConfigError(`TASKLANE_OAUTH_ISSUER: could not read the metadata of ${settings.issuer}: ${(err as Error).message}`);
  }
  if (!metadata?.jwks_uri) throw new ConfigError(`TASKLANE_OAUTH_ISSUER: ${settings.issuer} publishes no metadata with a jwks_uri (checked /.well-known/oauth-authorization-server and openid-configuration)`);
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
  const resource = new URL(settings.audience);
  return {
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resource),
    router: mcpAuthMetadataRouter({
      oauthMetadata: metadata,
      resourceServerUrl: resource,
      scopesSupported: [...ROLES.map(ROLE_SCOPE), ALL_PROJECTS_SCOPE],
      resourceName: 'Tasklane',
    }),
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer: metadata!.issuer, audience: settings.audience, requiredClaims: ['exp', 'sub'] }));
      } catch (err) {
        throw refusal(err, settings);
      }
      const scopes = scopesOf(payload);
      return { ...authInfoFor(accessFromScopes(payload.sub!, scopes), token, payload.exp!, scopes), resource };
    },
  };
}
