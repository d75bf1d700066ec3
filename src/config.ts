import { z } from 'zod';
import { DEFAULT_MAX_MESSAGE_BYTES, defaultDataDir, foreignScheme, MAX_MAX_MESSAGE_BYTES, MIN_MAX_MESSAGE_BYTES } from './local-settings.js';

/** ~87 KiB of heap a session (bench/http-sessions.ts): 500 hold ~45 MB, several times the largest agent fleets. */
export const DEFAULT_HTTP_MAX_SESSIONS = 500;
/** /mcp requests a minute one credential may send to one replica (~100/s: a fleet's worth, not a runaway loop's). */
export const DEFAULT_CREDENTIAL_RATE = 6000;
/** Sessions one credential may hold open on one replica. */
export const DEFAULT_CREDENTIAL_MAX_SESSIONS = 200;
/** Time to receive a whole request: 16 MiB in 30 s needs ~4.5 Mbit/s; a trickling client is cut. */
export const DEFAULT_HTTP_REQUEST_TIMEOUT_SECONDS = 30;
import { DEFAULT_EMBED_MODEL } from './embeddings/provider.js';
import { DEFAULT_MIN_SIMILARITY } from './lessons/search-setup.js';

// Empty means unset: compose files and shells often export a variable with no value, and a Claude
// Desktop bundle passes an option the user left blank as an empty string.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const envSchema = z.object({
  TASKLANE_DATABASE_URL: optional(
    z.string().min(1).superRefine((url, ctx) => {
      const scheme = foreignScheme(url);
      if (scheme) ctx.addIssue({ code: 'custom', message: `${scheme}:// is not a database Tasklane opens; give postgres://…, a folder (the embedded database) or memory://` });
    }),
  ),
  TASKLANE_PROJECT: optional(z.string().min(1).max(200)),
  TASKLANE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Read by src/log.ts for one-shot commands: `json` keeps pino's JSON lines instead of short human ones.
  TASKLANE_LOG_FORMAT: z.enum(['human', 'json']).default('human'),
  TASKLANE_LEASE_SECONDS: z.coerce.number().int().min(10).max(7 * 24 * 3600).default(900),
  TASKLANE_PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  TASKLANE_PG_PREPARED: z.enum(['on', 'off']).default('on'),
  TASKLANE_BOARD_HOST: z.enum(['on', 'off']).default('on'),
  TASKLANE_BOARD_HOST_IDLE_SECONDS: z.coerce.number().min(1).max(7 * 24 * 3600).default(600),
  TASKLANE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  TASKLANE_REAP_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
  TASKLANE_EVENT_RETENTION_DAYS: optional(z.coerce.number().min(1).max(100_000)),
  TASKLANE_GIT_AUTO: z.enum(['0', '1', 'true', 'false']).default('0'),
  TASKLANE_HOST: z.string().min(1).default('127.0.0.1'),
  TASKLANE_PORT: z.coerce.number().int().min(0).max(65535).default(7420),
  TASKLANE_HTTP_TOKEN: optional(z.string().min(16, 'use at least 16 characters (e.g. openssl rand -hex 32)')),
  TASKLANE_OAUTH_ISSUER: optional(z.url({ protocol: /^https?$/ })),
  TASKLANE_OAUTH_AUDIENCE: optional(z.url({ protocol: /^https?$/ })),
  TASKLANE_HTTP_CREDENTIAL_RATE: z.coerce.number().int().min(0).max(10_000_000).default(DEFAULT_CREDENTIAL_RATE),
  TASKLANE_HTTP_CREDENTIAL_MAX_SESSIONS: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_CREDENTIAL_MAX_SESSIONS),
  TASKLANE_HTTP_STATELESS: z.enum(['0', '1', 'false', 'true']).default('0'),
  TASKLANE_ALLOWED_HOSTS: z.string().default(''),
  TASKLANE_HTTP_SESSION_IDLE_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(1800),
  TASKLANE_HTTP_MAX_SESSIONS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_HTTP_MAX_SESSIONS),
  TASKLANE_HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULT_HTTP_REQUEST_TIMEOUT_SECONDS),
  TASKLANE_MAX_MESSAGE_BYTES: z.coerce.number().int().min(MIN_MAX_MESSAGE_BYTES).max(MAX_MAX_MESSAGE_BYTES).default(DEFAULT_MAX_MESSAGE_BYTES),
  TASKLANE_EMBEDDINGS: z.enum(['ollama', 'off']).optional(),
  OLLAMA_HOST: z.string().min(1).optional(),
  TASKLANE_EMBED_MODEL: z.string().min(1).max(200).default(DEFAULT_EMBED_MODEL),
  TASKLANE_LESSONS_MIN_SIMILARITY: z.coerce.number().min(0).max(1).default(DEFAULT_MIN_SIMILARITY),
});

/** Every environment variable tasklane reads: the one list a setting is added to. */
export const SETTING_NAMES = Object.keys(envSchema.shape);

export type Config = {
  databaseUrl: string;
  project: string | undefined;
  logLevel: z.infer<typeof envSchema>['TASKLANE_LOG_LEVEL'];
  leaseSeconds: number;
  pgPoolMax: number;
  /** Named prepared statements on a Postgres server (off behind a pooler that cannot keep them). */
  pgPrepared: boolean;
  maxAttempts: number;
  reapIntervalSeconds: number;
  /** Events older than this many days are deleted (notes kept); undefined keeps every event. */
  eventRetentionDays: number | undefined;
  /** Fill branch and commit_sha of status changes from the working tree when the caller gives none. */
  gitAuto: boolean;
  /** Embedded folders are served by one board host process that every local tasklane talks to. */
  boardHost: boolean;
  boardHostIdleSeconds: number;
  /** The largest JSON-RPC message (a stdio line, a socket line, an HTTP body) any transport accepts. */
  maxMessageBytes: number;
  http: HttpConfig;
  /** null when embeddings are off: lessons search is then lexical. */
  embeddings: { provider: 'ollama'; host: string; model: string } | null;
  /** Semantic matches below this cosine similarity are dropped: the nearest lesson is not always a relevant one. */
  lessonsMinSimilarity: number;
};

export type HttpConfig = {
  host: string;
  port: number;
  token: string | undefined;
  stateless: boolean;
  /** Extra hostnames accepted in Host and Origin headers (reverse proxies, container names). */
  allowedHosts: string[];
  sessionIdleSeconds: number;
  /** Sessions open at once; one more initialize is answered 503 with Retry-After. */
  maxSessions: number;
  /** How long a client may take to send a whole request (headers and body). */
  requestTimeoutSeconds: number;
  /** Per credential and replica: /mcp requests a minute and sessions at once (0: no limit). */
  credentialRate: number;
  credentialMaxSessions: number;
  /** OAuth access tokens from this issuer for this resource URL (src/auth/oauth.ts). */
  oauth: { issuer: string; audience: string } | undefined;
};

export { defaultDataDir };

export class ConfigError extends Error {}

/** Reads every setting from the environment; a bad value names the variable and what it takes. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (Boolean(e.TASKLANE_OAUTH_ISSUER) !== Boolean(e.TASKLANE_OAUTH_AUDIENCE)) {
    throw new ConfigError('invalid environment: TASKLANE_OAUTH_ISSUER and TASKLANE_OAUTH_AUDIENCE go together: set both (the authorization server, and this server\'s resource URL such as https://tasklane.example.com/mcp) or neither');
  }
  return {
    databaseUrl: e.TASKLANE_DATABASE_URL ?? defaultDataDir(),
    project: e.TASKLANE_PROJECT,
    logLevel: e.TASKLANE_LOG_LEVEL,
    leaseSeconds: e.TASKLANE_LEASE_SECONDS,
    pgPoolMax: e.TASKLANE_PG_POOL_MAX,
    pgPrepared: e.TASKLANE_PG_PREPARED === 'on',
    maxAttempts: e.TASKLANE_MAX_ATTEMPTS,
    reapIntervalSeconds: e.TASKLANE_REAP_INTERVAL_SECONDS,
    eventRetentionDays: e.TASKLANE_EVENT_RETENTION_DAYS,
    gitAuto: e.TASKLANE_GIT_AUTO === '1' || e.TASKLANE_GIT_AUTO === 'true',
    http: {
      host: e.TASKLANE_HOST,
      port: e.TASKLANE_PORT,
      token: e.TASKLANE_HTTP_TOKEN,
      stateless: e.TASKLANE_HTTP_STATELESS === '1' || e.TASKLANE_HTTP_STATELESS === 'true',
      allowedHosts: e.TASKLANE_ALLOWED_HOSTS.split(',').map((h) => h.trim()).filter(Boolean),
      sessionIdleSeconds: e.TASKLANE_HTTP_SESSION_IDLE_SECONDS,
      maxSessions: e.TASKLANE_HTTP_MAX_SESSIONS,
      requestTimeoutSeconds: e.TASKLANE_HTTP_REQUEST_TIMEOUT_SECONDS,
      credentialRate: e.TASKLANE_HTTP_CREDENTIAL_RATE,
      credentialMaxSessions: e.TASKLANE_HTTP_CREDENTIAL_MAX_SESSIONS,
      oauth: e.TASKLANE_OAUTH_ISSUER && e.TASKLANE_OAUTH_AUDIENCE ? { issuer: e.TASKLANE_OAUTH_ISSUER, audience: e.TASKLANE_OAUTH_AUDIENCE } : undefined,
    },
    boardHost: e.TASKLANE_BOARD_HOST === 'on',
    boardHostIdleSeconds: e.TASKLANE_BOARD_HOST_IDLE_SECONDS,
    maxMessageBytes: e.TASKLANE_MAX_MESSAGE_BYTES,
    // Off unless asked for, or unless OLLAMA_HOST says where an Ollama runs.
    embeddings:
      (e.TASKLANE_EMBEDDINGS ?? (e.OLLAMA_HOST ? 'ollama' : 'off')) === 'ollama'
        ? { provider: 'ollama', host: e.OLLAMA_HOST ?? 'http://127.0.0.1:11434', model: e.TASKLANE_EMBED_MODEL }
        : null,
    lessonsMinSimilarity: e.TASKLANE_LESSONS_MIN_SIMILARITY,
  };
}
