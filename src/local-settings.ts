import os from 'node:os';
import path from 'node:path';

// Read without zod: the relay and the CLI's routing decide from these before loading anything else.
// src/config.ts checks every setting in full, with these same defaults.

export const defaultDataDir = () => path.join(os.homedir(), '.tasklane', 'data');
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const MIN_MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The scheme of a URL Tasklane does not open (`mysql://…`), which must not be taken for a folder's path. */
export function foreignScheme(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  return scheme && !/^(postgres|postgresql|memory|file)$/i.test(scheme) ? scheme : undefined;
}

/** The embedded database folder a database URL names, or undefined for a Postgres server or memory://. */
export function embeddedFolder(url: string): string | undefined {
  if (isPostgresUrl(url) || url.startsWith('memory://')) return undefined;
  return path.resolve(url.replace(/^file:\/\//, ''));
}

export type HostSettings = { folder: string | undefined; boardHost: boolean; maxMessageBytes: number };

/**
 * Where the board host of this process's settings would be. Undefined when a value needs the full
 * check (src/config.ts) to be reported.
 */
export function hostSettings(env: NodeJS.ProcessEnv = process.env): HostSettings | undefined {
  const url = env.TASKLANE_DATABASE_URL || defaultDataDir();
  const boardHost = env.TASKLANE_BOARD_HOST ?? 'on';
  const rawMax = env.TASKLANE_MAX_MESSAGE_BYTES;
  const max = rawMax === undefined ? DEFAULT_MAX_MESSAGE_BYTES : Number(rawMax);
  if (boardHost !== 'on' && boardHost !== 'off') return undefined;
  if (foreignScheme(url)) return undefined;
  if (!Number.isInteger(max) || max < MIN_MAX_MESSAGE_BYTES || max > MAX_MAX_MESSAGE_BYTES) return undefined;
  return { folder: embeddedFolder(url), boardHost: boardHost === 'on', maxMessageBytes: max };
}
