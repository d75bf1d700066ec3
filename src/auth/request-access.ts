import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Access } from './access.js';

/** The Access a verified credential carries in the SDK's AuthInfo (the HTTP transport puts it there). */
export function authInfoFor(access: Access, token: string, expiresAt: number, scopes: string[] = []): AuthInfo {
  return { token, clientId: access.credential, scopes, expiresAt, extra: { access } };
}

/** The caller's Access from a handler's `extra` (or an Express request's `auth`); undefined over stdio or without auth. */
export function accessOf(holder: { authInfo?: AuthInfo } | { auth?: AuthInfo } | undefined): Access | undefined {
  const info = holder && ('authInfo' in holder ? holder.authInfo : 'auth' in holder ? holder.auth : undefined);
  return info?.extra?.access as Access | undefined;
}
