// Where the CPU of a take-and-finish over HTTP goes when the agents run beside the server, as on this
// machine: the `tasklane serve --http` process (all its threads), the agents' SDK clients (this process)
// and Postgres (its backends), each per cycle. Their sum against the machine's cores is the ceiling of
// cycles/s here; the server's share alone is what one server would do with its clients elsewhere.
//   npx tsx bench/http-cpu-budget.ts [agents=16] [tasks=3000] [warmup=200]
// The first `warmup` cycles are not counted: the server's code is cold until then. 200 is what `npm run
// bench`'s cells run; the server's CPU per cycle keeps falling for about 2,000 (V8's tier-up), so a
// long-lived server's steady rate needs e.g. `16 12000 3000`.
// TASKLANE_BENCH_RATE=<cycles/s>: the agents pace themselves to that rate in all (each starts a cycle
// every agents/rate seconds, at once and without catching up when it is behind), as agents that think
// between calls do; unset, each starts its next cycle as soon as the last ends (the server's capacity).
// The get_next_task latency is printed either way: unpaced, it is mostly the queue of the other agents' calls.
// A fresh database on the local server, dropped after, migrated by the server itself, so that
// TASKLANE_BENCH_CLI can run another build (an earlier commit's dist) to compare.
// Linux only (/proc), and Postgres's CPU counts every process of the `postgres` user.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { processCpuMs } from './cpu-time.js';
import { serverDatabase } from './databases.js';
import { httpClients, startHttpServer } from './mcp-clients.js';
import { elapsedMs, round, summarise } from './stats.js';

const AGENTS = Number(process.argv[2] ?? 16);
const TASKS = Number(process.argv[3] ?? 3000);
const WARMUP = Number(process.argv[4] ?? 200);
const RATE = Number(process.env.TASKLANE_BENCH_RATE ?? 0);
if (WARMUP >= TASKS) throw new Error(`${WARMUP} warm-up cycles need a board of more than ${TASKS} tasks`);

/** Every process of the `postgres` user, backends that ended meanwhile left out. */
function postgresCpuMs(): number {
  const pids = execFileSync('pgrep', ['-u', 'postgres'], { encoding: 'utf8' }).trim().split('\n');
  return pids.reduce((sum, pid) => sum + (processCpuMs(Number(pid)) ?? 0), 0);
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
    for (let i = 0; i < TASKS; i += 5_000) {
      await clients[0].callTool({ name: 'write_task_list', arguments: { tasks: tasks.slice(i, i + 5_000), mode: 'merge' } }, undefined, { timeout: 300_000 });
    }
    const snapshot = () => ({ server: server.cpuMs()!, clients: clientsCpuMs(), postgres: postgresCpuMs(), at: performance.now() });
    let before = snapshot();
    let cycles = -WARMUP;
    const nextMs: number[] = [];
    let late = 0;
    const interval = (AGENTS * 1000) / RATE;
    await Promise.all(clients.map(async (c, i) => {
      for (let due = performance.now() + (i * interval) / AGENTS; ; due += interval) {
        if (RATE) {
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          else {
            if (cycles >= 0 && wait < -1) late++;
            due = performance.now();
          }
        }
        const t = process.hrtime.bigint();
        const next = (await c.callTool({ name: 'get_next_task', arguments: { agent: `a${i}` } })).structuredContent as { task: { id: string } | null };
        if (cycles >= 0) nextMs.push(elapsedMs(t));
        if (!next.task) return;
        await c.callTool({ name: 'mark_task_status', arguments: { agent: `a${i}`, task_id: next.task.id, status: 'completed' } });
        if (++cycles === 0) before = snapshot();
      }
    }));
    const seconds = (performance.now() - before.at) / 1000;
    const per = (ms: number) => round(ms / cycles, 2);
    const server_ms = per(server.cpuMs()! - before.server);
    const clients_ms = per(clientsCpuMs() - before.clients);
    const postgres_ms = per(postgresCpuMs() - before.postgres);
    const total = server_ms + clients_ms + postgres_ms;
    console.log(`${AGENTS} agents, ${TASKS} tasks, ${WARMUP} cycles of warm-up, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}: ${round(cycles / seconds, 1)} cycles/s`);
    const next = summarise(nextMs);
    const paced = RATE ? `; paced at ${RATE} cycles/s, ${late} cycles started over 1 ms late` : '';
    console.log(`get_next_task p50 ${next.p50_ms} ms, p99 ${next.p99_ms} ms${paced}`);
    console.log(`CPU per cycle: server ${server_ms} ms, clients ${clients_ms} ms, Postgres ${postgres_ms} ms; all ${round(total, 2)} ms`);
    console.log(`ceiling with everything on these ${os.cpus().length} cores: ${round((os.cpus().length * 1000) / total, 0)} cycles/s; one server with its clients elsewhere: ${round(1000 / server_ms, 0)} cycles/s a core`);
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await server.stop();
  }
} finally {
  await database.drop();
}
