import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  TASKLANE_DATABASE_URL: z.string().min(1).optional(),
  TASKLANE_PROJECT: z.string().min(1).max(200).optional(),
  TASKLANE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TASKLANE_LEASE_SECONDS: z.coerce.number().int().min(10).max(7 * 24 * 3600).default(900),
  TASKLANE_PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  TASKLANE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  TASKLANE_REAP_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
  TASKLANE_PORT: z.coerce.number().int().min(1).max(65535).default(7420),
});

export type Config = {
  databaseUrl: string;
  project: string | undefined;
  logLevel: z.infer<typeof envSchema>['TASKLANE_LOG_LEVEL'];
  leaseSeconds: number;
  pgPoolMax: number;
  maxAttempts: number;
  reapIntervalSeconds: number;
  port: number;
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
    maxAttempts: e.TASKLANE_MAX_ATTEMPTS,
    reapIntervalSeconds: e.TASKLANE_REAP_INTERVAL_SECONDS,
    port: e.TASKLANE_PORT,
  };
}
