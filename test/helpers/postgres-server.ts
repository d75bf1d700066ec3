/**
 * The Postgres half of the suite runs on a server found in this order: TEST_DATABASE_URL; else a
 * pgvector container started with testcontainers when a Docker engine answers (TEST_POSTGRES=off
 * skips it); else none, and the half is skipped with one line saying how to enable it.
 */
export const PGVECTOR_IMAGE = 'pgvector/pgvector:0.8.1-pg17';

export type PostgresServer = { url: string; source: 'url' | 'container'; stop: () => Promise<void> };

export async function findPostgresServer(env = process.env): Promise<PostgresServer | null> {
  if (env.TEST_DATABASE_URL) return { url: env.TEST_DATABASE_URL, source: 'url', stop: async () => {} };
  if (env.TEST_POSTGRES === 'off') return null;
  // Loaded only here: a contributor with a URL (and CI) never pays for it. On a Node older than the
  // package declares it cannot load at all: that is no Docker engine either.
  const testcontainers = await import('testcontainers').catch(() => null);
  if (!testcontainers) return null;
  const { GenericContainer, Wait, getContainerRuntimeClient } = testcontainers;
  try {
    await getContainerRuntimeClient();
  } catch {
    return null; // no Docker engine: testcontainers finds out in milliseconds
  }
  const container = await new GenericContainer(PGVECTOR_IMAGE)
    .withEnvironment({ POSTGRES_PASSWORD: 'tasklane', POSTGRES_DB: 'tasklane_test' })
    .withExposedPorts(5432)
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    // The image's entrypoint starts Postgres once to initialise, then for real: the second line counts.
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000)
    .start();
  const url = `postgres://postgres:tasklane@${container.getHost()}:${container.getMappedPort(5432)}/tasklane_test`;
  return { url, source: 'container', stop: async () => void (await container.stop()) };
}

export const SKIPPED_POSTGRES_LINE =
  `Postgres half skipped: set TEST_DATABASE_URL=postgres://… or start a Docker engine (the suite then runs ${PGVECTOR_IMAGE} itself)`;
