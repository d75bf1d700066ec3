import os from 'node:os';
import pg from 'pg';

export type Machine = {
  cpus: number; cpu_model: string; memory_gb: number; os: string; node: string;
  postgres?: { version: string; synchronous_commit: string; fsync: string; shared_buffers: string; autovacuum: string };
  pglite: string;
};

export async function describeMachine(serverUrl: string | undefined, pgliteVersion: string): Promise<Machine> {
  const machine: Machine = {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    pglite: pgliteVersion,
  };
  if (serverUrl) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      const q = async (s: string) => String(Object.values((await client.query(s)).rows[0])[0]);
      machine.postgres = {
        version: await q('show server_version'),
        synchronous_commit: await q('show synchronous_commit'),
        fsync: await q('show fsync'),
        shared_buffers: await q('show shared_buffers'),
        autovacuum: await q('show autovacuum'),
      };
    } finally {
      await client.end();
    }
  }
  return machine;
}
