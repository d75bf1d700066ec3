import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  TASKLANE_DATABASE_URL: z.string().min(1).optional(),
  TASKLANE_PROJECT: z.string().min(1).max(200).optional(),
  TASKLANE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TASKLANE_LEASE_SECONDS: z.coerce.number().int().min(10).max(7 * 24 * 3600).default(900),
  TASKLANE_PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  TASKLANE_EMBEDDINGS: z.enum(['ollama', 'off']).optional(),
  OLLAMA_HOST: z.string().min(1).optional(),
  TASKLANE_EMBED_MODEL: z.string().min(1).max(200).default('nomic-embed-text'),
});

export type Config = {
  databaseUrl: string;
  project: string | undefined;
  logLevel: z.infer<typeof envSchema>['TASKLANE_LOG_LEVEL'];
  leaseSeconds: number;
  pgPoolMax: number;
  /** null when embeddings are off: lessons search is then lexical. */
  embeddings: { provider: 'ollama'; host: string; model: string } | null;
};

export const defaultDataDir = () => path.join(os.homedir(), '.tasklane', 'data');

export class ConfigError extends Error {}

/** Reads every setting from the environment; a bad value names the variable and what it takes. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.TASKLANE_DATABASE_URL ?? defaultDataDir(),
    project: e.TASKLANE_PROJECT,
    logLevel: e.TASKLANE_LOG_LEVEL,
    leaseSeconds: e.TASKLANE_LEASE_SECONDS,
    pgPoolMax: e.TASKLANE_PG_POOL_MAX,
    // Off unless asked for, or unless OLLAMA_HOST says where an Ollama runs.
    embeddings:
      (e.TASKLANE_EMBEDDINGS ?? (e.OLLAMA_HOST ? 'ollama' : 'off')) === 'ollama'
        ? { provider: 'ollama', host: e.OLLAMA_HOST ?? 'http://127.0.0.1:11434', model: e.TASKLANE_EMBED_MODEL }
        : null,
  };
}
