// Where the CPU of a take-and-finish over HTTP goes when the agents run beside the server, as on this
// machine: the `tasklane serve --http` process (all its threads), the agents' SDK clients (this process)
// and Postgres (its backends), each per cycle. Their sum against the machine's cores is the ceiling of
// cycles/s here; the server's share alone is what one server would do with its clients elsewhere.
//   npx tsx bench/http-cpu-budget.ts [agents=16] [tasks=3000]
// A fresh database on the local server, dropped after, migrated by the server itself, so that
// TASKLANE_BENCH_CLI can run another build (an earlier commit's dist) to compare.
// Linux only (/proc), and Postgres's CPU counts every process of the `postgres` user.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { serverDatabase } from './databases.js';
import { httpClients, startHttpServer } from './mcp-clients.js';
import { round } from './stats.js';

const AGENTS = Number(process.argv[2] ?? 16);
const TASKS = Number(process.argv[3] ?? 3000);

function postgresCpuMs(): number {
  const pids = execFileSync('pgrep', ['-u', 'postgres'], { encoding: 'utf8' }).trim().split('\n');
  return pids.reduce((sum, pid) => {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return sum; // a backend that ended meanwhile
    }
  }, 0);
}
const clientsCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const database = await serverDatabase();
try {
  const url = database.url;
  const project = `budget-${Date.now()}`;
  const server = await startHttpServer(url, project);
  try {
    const connect = httpClients(server.url, server.token);
    const clients = await Promise.all(Array.from({ length: AGENTS }, (_, i) => connect(`a${i}`)));
    const tasks = Array.from({ length: TASKS }, (_, i) => ({ id: `T${i}`, description: `task ${i}` }));
    await clients[0].callTool({ name: 'write_task_list', arguments: { tasks } }, undefined, { timeout: 300_000 });
    const before = { server: server.cpuMs()!, clients: clientsCpuMs(), postgres: postgresCpuMs(), at: performance.now() };
    let cycles = 0;
    await Promise.all(clients.map(async (c, i) => {
      for (;;) {
        const next = (await c.callTool({ name: 'get_next_task', arguments: { agent: `a${i}` } })).structuredContent as { task: { id: string } | null };
        if (!next.task) return;
        await c.callTool({ name: 'mark_task_status', arguments: { agent: `a${i}`, task_id: next.task.id, status: 'completed' } });
        cycles++;
      }
    }));
    const seconds = (performance.now() - before.at) / 1000;
    const per = (ms: number) => round(ms / cycles, 2);
    const server_ms = per(server.cpuMs()! - before.server);
    const clients_ms = per(clientsCpuMs() - before.clients);
    const postgres_ms = per(postgresCpuMs() - before.postgres);
    const total = server_ms + clients_ms + postgres_ms;
    console.log(`${AGENTS} agents, ${TASKS} tasks, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}: ${round(cycles / seconds, 1)} cycles/s`);
    console.log(`CPU per cycle: server ${server_ms} ms, clients ${clients_ms} ms, Postgres ${postgres_ms} ms; all ${round(total, 2)} ms`);
    console.log(`ceiling with everything on these ${os.cpus().length} cores: ${round((os.cpus().length * 1000) / total, 0)} cycles/s; one server with its clients elsewhere: ${round(1000 / server_ms, 0)} cycles/s a core`);
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await server.stop();
  }
} finally {
  await database.drop();
}
