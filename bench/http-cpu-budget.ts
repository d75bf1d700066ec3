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
// TASKLANE_BENCH_PROCESSES=<n>: the agents run in n processes of their own (16: one each, as real agents
// do), not all in this one, whose single event loop would otherwise take each agent's answer in turn.
// A fresh database on the local server, dropped after, migrated by the server itself, so that
// TASKLANE_BENCH_CLI can run another build (an earlier commit's dist) to compare.
// Linux only (/proc), and Postgres's CPU counts every process of the `postgres` user.
import { execFileSync, fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { processCpuMs } from './cpu-time.js';
import { serverDatabase } from './databases.js';
import { httpClients, startHttpServer } from './mcp-clients.js';
import { type AgentTally, runPacedAgent } from './paced-agent.js';
import { round, summarise } from './stats.js';

const AGENTS = Number(process.argv[2] ?? 16);
const TASKS = Number(process.argv[3] ?? 3000);
const WARMUP = Number(process.argv[4] ?? 200);
const RATE = Number(process.env.TASKLANE_BENCH_RATE ?? 0);
const PROCESSES = Math.min(AGENTS, Number(process.env.TASKLANE_BENCH_PROCESSES ?? 0));
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

/** The measured cycles of all agents: how many, over how long, their tallies, and the clients' CPU time. */
type Measured = { cycles: number; nextMs: number[]; late: number; clientsMs: number; before: Snapshot; after: Snapshot };
type Snapshot = { server: number; postgres: number; at: number };

/** All agents in this process, as the other benches run them: the first WARMUP cycles of all are not counted. */
async function inProcess(clients: Client[], snapshot: () => Snapshot): Promise<Measured> {
  let before = snapshot();
  let clientsBefore = clientsCpuMs();
  let cycles = -WARMUP;
  const tally: AgentTally = { cycles: 0, nextMs: [], late: 0 };
  await Promise.all(clients.map((c, i) => runPacedAgent(c, `a${i}`, { slot: i, agents: AGENTS, rate: RATE }, () => cycles >= 0, tally, () => {
    if (++cycles === 0) {
      before = snapshot();
      clientsBefore = clientsCpuMs();
    }
  })));
  const measured = { cycles: tally.cycles, nextMs: tally.nextMs, late: tally.late, clientsMs: clientsCpuMs() - clientsBefore, before, after: snapshot() };
  await Promise.all(clients.map((c) => c.close()));
  return measured;
}

/**
 * Each agent in a process of its own (TASKLANE_BENCH_PROCESSES agents' processes in all, the agents dealt
 * among them), as agents are: one event loop no longer serves every agent's answers in turn. Each process
 * runs its share of the warm-up; the cycles are counted once all have.
 */
async function inProcesses(serverUrl: string, token: string, snapshot: () => Snapshot): Promise<Measured> {
  const script = path.resolve(import.meta.dirname, 'http-agent-process.ts');
  const children = Array.from({ length: PROCESSES }, (_, p) => {
    const slots = Array.from({ length: AGENTS }, (_, i) => i).filter((i) => i % PROCESSES === p);
    const args = { url: serverUrl, token, names: slots.map((i) => `a${i}`), slots, agents: AGENTS, rate: RATE, warmup: Math.ceil(WARMUP / PROCESSES) };
    return fork(script, [JSON.stringify(args)], { execArgv: ['--import', 'tsx'] });
  });
  const all = (type: string) => Promise.all(children.map((child) => new Promise<Record<string, unknown>>((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`an agents' process exited (${code}) before it said ${type}`)));
  })));
  const ready = all('ready');
  await ready;
  const warm = all('warm');
  const done = all('done');
  for (const child of children) child.send({ type: 'go' });
  await warm;
  const before = snapshot();
  for (const child of children) child.send({ type: 'measure' });
  const reports = (await done) as Array<{ tally: AgentTally; cpuMs: number }>;
  const after = snapshot();
  return {
    cycles: reports.reduce((n, r) => n + r.tally.cycles, 0),
    nextMs: reports.flatMap((r) => r.tally.nextMs),
    late: reports.reduce((n, r) => n + r.tally.late, 0),
    clientsMs: reports.reduce((n, r) => n + r.cpuMs, 0),
    before,
    after,
  };
}

const database = await serverDatabase();
try {
  const url = database.url;
  const project = `budget-${Date.now()}`;
  const server = await startHttpServer(url, project);
  try {
    const connect = httpClients(server.url, server.token);
    const clients = await Promise.all(Array.from({ length: PROCESSES ? 1 : AGENTS }, (_, i) => connect(`a${i}`)));
    const tasks = Array.from({ length: TASKS }, (_, i) => ({ id: `T${i}`, description: `task ${i}` }));
    for (let i = 0; i < TASKS; i += 5_000) {
      await clients[0].callTool({ name: 'write_task_list', arguments: { tasks: tasks.slice(i, i + 5_000), mode: 'merge' } }, undefined, { timeout: 300_000 });
    }
    const snapshot = (): Snapshot => ({ server: server.cpuMs()!, postgres: postgresCpuMs(), at: performance.now() });
    let m: Measured;
    if (PROCESSES) {
      await clients[0].close();
      m = await inProcesses(server.url, server.token, snapshot);
    } else {
      m = await inProcess(clients, snapshot);
    }
    const per = (ms: number) => round(ms / m.cycles, 2);
    const server_ms = per(m.after.server - m.before.server);
    const clients_ms = per(m.clientsMs);
    const postgres_ms = per(m.after.postgres - m.before.postgres);
    const total = server_ms + clients_ms + postgres_ms;
    const where = PROCESSES ? ` in ${PROCESSES} processes` : '';
    console.log(`${AGENTS} agents${where}, ${TASKS} tasks, ${WARMUP} cycles of warm-up, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}: ${round(m.cycles / ((m.after.at - m.before.at) / 1000), 1)} cycles/s`);
    const next = summarise(m.nextMs);
    const paced = RATE ? `; paced at ${RATE} cycles/s, ${m.late} cycles started over 1 ms late` : '';
    console.log(`get_next_task p50 ${next.p50_ms} ms, p99 ${next.p99_ms} ms${paced}`);
    console.log(`CPU per cycle: server ${server_ms} ms, clients ${clients_ms} ms, Postgres ${postgres_ms} ms; all ${round(total, 2)} ms`);
    console.log(`ceiling with everything on these ${os.cpus().length} cores: ${round((os.cpus().length * 1000) / total, 0)} cycles/s; one server with its clients elsewhere: ${round(1000 / server_ms, 0)} cycles/s a core`);
  } finally {
    await server.stop();
  }
} finally {
  await database.drop();
}
