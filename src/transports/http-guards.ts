import os from 'node:os';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import type { RequestHandler } from 'express';
import { ConfigError } from '../config.js';
import { sendJsonRpcError } from './http-errors.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = ['0.0.0.0', '::', '[::]'];

/** A hostname as it appears in URL.hostname: IPv6 in brackets, lower case. */
export function normalizeHostname(host: string): string {
  const h = host.trim().toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

export function isLoopback(host: string): boolean {
  const h = normalizeHostname(host);
  return LOOPBACK_NAMES.includes(h) || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Hostnames accepted in Host and Origin: loopback, the bound address, the extra list, and when bound to every
 * interface the machine's own names and addresses (clients on the network reach it by those).
 */
export function allowedHostnames(bindHost: string, extra: string[]): string[] {
  const names = new Set([...LOOPBACK_NAMES, ...extra.map(normalizeHostname)]);
  if (WILDCARDS.includes(bindHost)) {
    names.add(os.hostname().toLowerCase());
    for (const addrs of Object.values(os.networkInterfaces())) {
      for (const a of addrs ?? []) names.add(normalizeHostname(a.address));
    }
  } else {
    names.add(normalizeHostname(bindHost));
  }
  return [...names];
}

/** A network-reachable server without a token would hand the board to anyone who can reach it. */
export function assertSafeBinding(host: string, token: string | undefined, insecureNoAuth: boolean): void {
  if (token || insecureNoAuth || isLoopback(host)) return;
  throw new ConfigError(
    `refusing to listen on ${host} without a token: anyone who can reach it could read and change the board. ` +
      'Set TASKLANE_HTTP_TOKEN (e.g. `openssl rand -hex 32`) or TASKLANE_OAUTH_ISSUER, bind to 127.0.0.1, or pass --insecure-no-auth to accept the risk.',
  );
}

/** DNS rebinding protection: the SDK's Host check, then the same list for a browser's Origin. */
export function hostAndOriginValidation(allowed: string[]): RequestHandler[] {
  const originValidation: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    let hostname: string | undefined;
    try {
      hostname = new URL(origin).hostname;
    } catch {
      hostname = undefined;
    }
    if (hostname && allowed.includes(hostname.toLowerCase())) return next();
    sendJsonRpcError(res, 403, -32000, `Invalid Origin: ${origin}`);
  };
  return [hostHeaderValidation(allowed), originValidation];
}

/** Whether hostAndOriginValidation lets a request without an Origin header through, from its Host header. */
export function hostAllowed(hostHeader: string | undefined, allowed: string[]): boolean {
  if (!hostHeader) return false;
  try {
    return allowed.includes(new URL(`http://${hostHeader}`).hostname);
  } catch {
    return false;
  }
}
