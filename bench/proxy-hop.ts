// The board host against its peers, side by side in one run (ratios are the figures; the machine may be
// shared, so absolute times move): one agent's take-and-finish cycles through the host vs the folder
// opened by the agent's own tasklane; the hop's added p50 a call; 3 and 8 agents through the host vs the
// same agents over HTTP on one `serve --http` process; warm start (host running) to initialize +
// tools/list vs a bare SDK stdio server; `tasklane --help` vs `node -e 0`; one agent on Taskmaster's own
// MCP server over stdio (next_task, set in-progress, set done), when task-master-ai is installed in /tmp/tm. A floor: the SDK's server answering from memory (bench/canned-sdk-server.mjs).
// Run: npm run bench:proxy [-- cycles crowd-rounds] (0 crowd rounds: the single agents and starts only)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { processCpuMs } from './cpu-time.js';
import { CLI, httpClients, startHttpServer } from './mcp-clients.js';
import { taskmasterAgent, taskmasterMcpServer } from './taskmaster-mcp.js';
import { elapsedMs, round, summarise } from './stats.js';

const CYCLES = Number(process.argv[2] ?? 300);
const ROUNDS = Number(process.argv[3] ?? 1);
const BOARD = 1000;
/**
 * Cycles each path runs before the measured blocks, on throwaway boards of the same size beside the
 * measured one: 200 as bench/run.ts's cells; a few thousand give the steady rate of a long-lived server,
 * after V8's and the WASM's tier-up.
 */
const WARMUP = Number(process.env.TASKLANE_BENCH_WARMUP ?? 200);
if (CYCLES > BOARD) throw new Error(`${CYCLES} measured cycles need more than the ${BOARD}-task board holds`);
const STARTS = 10;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-proxy-bench-'));
const folder = path.join(root, 'board');
const BARE = path.resolve(import.meta.dirname, 'bare-sdk-server.mjs');
const BARE_PIPE = path.resolve(import.meta.dirname, 'bare-pipe.mjs');
const CANNED = path.resolve(import.meta.dirname, 'canned-sdk-server.mjs');
const baseEnv = { ...(process.env as Record<string, string>), HOME: root, TASKLANE_DATABASE_URL: folder, TASKLANE_LOG_LEVEL: 'warn', TASKLANE_BOARD_HOST_IDLE_SECONDS: '30' };

const pids = new WeakMap<Client, number>();
async function stdioClient(name: string, command: string, args: string[], env: Record<string, string> = baseEnv): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  const transport = new StdioClientTransport({ command, args, env, stderr: 'ignore' });
  await client.connect(transport);
  if (transport.pid) pids.set(client, transport.pid);
  return client;
}

/** The board host's pid, from `tasklane host status`. */
function hostPid(): number | undefined {
  const out = spawnSync(process.execPath, [CLI, 'host', 'status'], { env: baseEnv, encoding: 'utf8' }).stdout;
  const pid = /pid\s+(\d+)/.exec(out)?.[1];
  return pid ? Number(pid) : undefined;
}
const cpuMsOf = (processes: number[]) => processes.reduce((sum, pid) => sum + (processCpuMs(pid) ?? NaN), 0);
const agent = (name: string, project: string, boardHost: boolean, database = folder) =>
  stdioClient(name, process.execPath, [CLI], { ...baseEnv, TASKLANE_DATABASE_URL: database, TASKLANE_PROJECT: project, TASKLANE_BOARD_HOST: boardHost ? 'on' : 'off' });

const stopHost = () => spawnSync(process.execPath, [CLI, 'host', 'stop'], { env: baseEnv, encoding: 'utf8' });
const call = (c: Client, name: string, args: Record<string, unknown>) => c.callTool({ name, arguments: args });

/** Writes a board of BOARD tasks: the agent's default project, or `project` (a throwaway one). */
async function writeBoard(c: Client, project?: string) {
  const tasks = Array.from({ length: BOARD }, (_, i) => ({ id: `T${i}`, description: `task ${i}` }));
  await c.callTool({ name: 'write_task_list', arguments: { tasks, ...(project && { project }) } }, undefined, { timeout: 300_000 });
}

/** One take-and-finish cycle, each call timed; false when the board had nothing left. */
async function cycle(c: Client, name: string, calls?: number[], project?: string): Promise<boolean> {
  const on = project ? { project } : {};
  let start = process.hrtime.bigint();
  const next = (await call(c, 'get_next_task', { agent: name, ...on })).structuredContent as { task: { id: string } | null };
  calls?.push(elapsedMs(start));
  if (!next.task) return false;
  start = process.hrtime.bigint();
  await call(c, 'mark_task_status', { task_id: next.task.id, status: 'completed', agent: name, ...on });
  calls?.push(elapsedMs(start));
  return true;
}

type Path = 'host' | 'direct' | 'pipe' | 'canned' | 'taskmaster';
const taskmaster = taskmasterMcpServer();
const PATHS: Path[] = taskmaster ? ['host', 'direct', 'pipe', 'canned', 'taskmaster'] : ['host', 'direct', 'pipe', 'canned'];
const BLOCK = Number(process.env.TASKLANE_BENCH_BLOCK ?? 10);
/** An agent, and the processes that serve it (their CPU time is counted per cycle). */
type SoloAgent = { cycle(calls?: number[]): Promise<boolean>; warmUp(cycles: number): Promise<void>; client: Client; pids: number[] };

/**
 * One agent on each path at once, each on its own 1,000-task board: through the host, on its own folder
 * (a second folder, which the host does not hold), through a bare node pipe to the host (the floor of
 * any relay), and on Taskmaster's own MCP server over stdio when task-master-ai is installed. They take
 * turns in blocks of 10 cycles, in rotating order, so that each meets the same load of the shared machine.
 */
async function solos() {
  const own = path.join(root, 'own');
  /** `label` names the path's throwaway boards (the host and the pipe share the host's folder); none: the canned server, which has no board. */
  const tasklane = (client: Client, host?: number, label?: string): SoloAgent => ({
    client,
    cycle: (calls) => cycle(client, 'solo', calls),
    warmUp: async (cycles) => {
      for (let round = 0; cycles > 0; round++) {
        const project = label && `warm-up-${label}-${round}`;
        if (project) await writeBoard(client, project);
        for (let i = 0; i < BOARD && cycles > 0; i++, cycles--) await cycle(client, 'solo', undefined, project);
      }
    },
    pids: [pids.get(client)!, ...(host ? [host] : [])],
  });
  const direct = await agent('solo', 'solo-direct', false, own);
  const viaHost = await agent('solo', 'solo-host', true);
  const host = hostPid();
  const agents = {
    direct: tasklane(direct, undefined, 'direct'),
    host: tasklane(viaHost, host, 'host'),
    pipe: tasklane(await stdioClient('solo', process.execPath, [BARE_PIPE, path.join(folder, 'host.sock'),
      JSON.stringify({ tasklane: 'mcp', version: '0', cwd: process.cwd(), env: { TASKLANE_PROJECT: 'solo-pipe' } })]), host, 'pipe'),
    canned: tasklane(await stdioClient('solo', process.execPath, [CANNED])),
    ...(taskmaster ? { taskmaster: await taskmasterAgent(fs.mkdtempSync(path.join(root, 'tm-')), BOARD, baseEnv) } : {}),
  } as Record<Path, SoloAgent>;
  const stats = Object.fromEntries(PATHS.map((p) => [p, { ms: 0, cpuMs: 0, cycles: 0, calls: [] as number[], pings: [] as number[] }])) as Record<Path, { ms: number; cpuMs: number; cycles: number; calls: number[]; pings: number[] }>;
  for (const p of PATHS) {
    if (p !== 'taskmaster' && p !== 'canned') await writeBoard(agents[p].client);
    await agents[p].warmUp(WARMUP);
  }
  for (let b = 0; b < CYCLES / BLOCK; b++) {
    for (const p of [...PATHS.slice(b % PATHS.length), ...PATHS.slice(0, b % PATHS.length)]) {
      const s = stats[p];
      const cpu = cpuMsOf(agents[p].pids);
      const start = process.hrtime.bigint();
      for (let i = 0; i < BLOCK; i++) await agents[p].cycle(s.calls);
      s.ms += elapsedMs(start);
      s.cpuMs += cpuMsOf(agents[p].pids) - cpu;
      s.cycles += BLOCK;
      // The hop alone: a ping is answered by the MCP server without the database.
      for (let i = 0; i < BLOCK; i++) {
        const t = process.hrtime.bigint();
        await agents[p].client.ping();
        s.pings.push(elapsedMs(t));
      }
    }
  }
  await Promise.all(PATHS.map((p) => agents[p].client.close()));
  return Object.fromEntries(PATHS.map((p) => [p, {
    perSecond: stats[p].cycles / (stats[p].ms / 1000), cpuMs: stats[p].cpuMs / stats[p].cycles, call: summarise(stats[p].calls), ping: summarise(stats[p].pings),
  }])) as Record<Path, { perSecond: number; cpuMs: number; call: ReturnType<typeof summarise>; ping: ReturnType<typeof summarise> }>;
}

async function crowd(clients: Client[]) {
  await writeBoard(clients[0]);
  const start = process.hrtime.bigint();
  let done = 0;
  await Promise.all(clients.map(async (c, i) => {
    while (await cycle(c, `a${i}`)) done++;
  }));
  const perSecond = done / (elapsedMs(start) / 1000);
  await Promise.all(clients.map((c) => c.close()));
  return perSecond;
}

async function crowdThroughHost(agents: number, n: number) {
  const project = `crowd-host-${agents}-${n}`;
  return crowd(await Promise.all(Array.from({ length: agents }, (_, i) => agent(`a${i}`, project, true))));
}

async function crowdOverHttp(agents: number, n: number) {
  stopHost();
  const project = `crowd-http-${agents}-${n}`;
  const server = await startHttpServer(folder, project);
  try {
    const connect = httpClients(server.url, server.token);
    return await crowd(await Promise.all(Array.from({ length: agents }, (_, i) => connect(`a${i}`))));
  } finally {
    await server.stop();
  }
}

/** Spawn to initialize + tools/list answered, median of STARTS. */
async function startUp(command: string, args: string[]) {
  const samples: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const start = process.hrtime.bigint();
    const c = await stdioClient('starter', command, args, { ...baseEnv, TASKLANE_PROJECT: 'start' });
    await c.listTools();
    samples.push(elapsedMs(start));
    await c.close();
  }
  return summarise(samples).p50_ms;
}

function runs(args: string[]) {
  const samples: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, args, { env: baseEnv, stdio: 'ignore' });
    samples.push(elapsedMs(start));
  }
  return summarise(samples).p50_ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (label: string, value: string, target: string) => console.log(`${label.padEnd(58)} ${value.padEnd(34)} ${target}`);

try {
  // A first start makes the database; every measurement below opens it again.
  const first = await agent('setup', 'setup', true);
  await first.close();
  const solo = await solos();
  const crowds: Record<string, number[]> = {};
  for (let n = 0; n < ROUNDS; n++) {
    for (const agents of [3, 8]) {
      (crowds[`host-${agents}`] ??= []).push(await crowdThroughHost(agents, n));
      (crowds[`http-${agents}`] ??= []).push(await crowdOverHttp(agents, n));
    }
  }
  const keeper = await agent('keeper', 'start', true); // the host stays up: warm starts
  const warm = await startUp(process.execPath, [CLI]);
  const bare = await startUp(process.execPath, [BARE]);
  await keeper.close();
  const help = runs([CLI, '--help']);
  const nodeOnly = runs(['-e', '0']);
  stopHost();

  const { host, direct, pipe, canned, taskmaster: tm } = solo;
  console.log(`board host bench: ${BOARD}-task boards, ${CYCLES} cycles a path after ${WARMUP} of warm-up, in turns of ${BLOCK}, crowds ${ROUNDS} round(s), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  line('one agent, cycles/s: host vs own folder', `${round(host.perSecond, 1)} vs ${round(direct.perSecond, 1)} = ${round(host.perSecond / direct.perSecond)}×`, 'target ≥ 0.9×');
  if (tm) {
    line(`one agent, cycles/s: host vs Taskmaster ${taskmaster!.version} MCP (stdio)`, `${round(host.perSecond, 1)} vs ${round(tm.perSecond, 1)} = ${round(host.perSecond / tm.perSecond, 1)}×`, 'target ≥ 10×');
    line('  own folder vs Taskmaster MCP', `${round(direct.perSecond / tm.perSecond, 1)}×; Taskmaster call p50 / p99 ${tm.call.p50_ms} / ${tm.call.p99_ms} ms`, '');
    line('server CPU per cycle: host (relay + host) / own folder / Taskmaster', `${round(host.cpuMs)} / ${round(direct.cpuMs)} / ${round(tm.cpuMs)} ms`, '');
    line('  floor: SDK server with canned answers (no database) vs Taskmaster', `${round(canned.perSecond, 1)} cycles/s = ${round(canned.perSecond / tm.perSecond, 1)}×; host at ${round(host.perSecond / canned.perSecond)}× of it`, '');
    line('  Taskmaster\'s CPU per cycle against the host path\'s, own folder\'s', `${round(tm.cpuMs / host.cpuMs, 1)}×, ${round(tm.cpuMs / direct.cpuMs, 1)}×`, '');
  } else {
    line('server CPU per cycle: host (relay + host) / own folder', `${round(host.cpuMs)} / ${round(direct.cpuMs)} ms`, '');
    line('Taskmaster MCP: not installed', `npm install --prefix /tmp/tm task-master-ai@0.43.1`, '');
  }
  line('a tool call, p50 / p99: host', `${host.call.p50_ms} / ${host.call.p99_ms} ms`, '');
  line('a tool call, p50 / p99: own folder', `${direct.call.p50_ms} / ${direct.call.p99_ms} ms`, '');
  line('the hop: a ping, p50: host vs own folder', `${host.ping.p50_ms} ms vs ${direct.ping.p50_ms} ms: +${round(host.ping.p50_ms - direct.ping.p50_ms)} ms`, 'target ≤ 0.3 ms');
  line('the floor of any relay: a bare node pipe to the host', `ping +${round(pipe.ping.p50_ms - direct.ping.p50_ms)} ms; ${round(pipe.perSecond, 1)} cycles/s = ${round(pipe.perSecond / direct.perSecond)}×`, '');
  for (const agents of ROUNDS > 0 ? [3, 8] : []) {
    const viaHost = median(crowds[`host-${agents}`]);
    const viaHttp = median(crowds[`http-${agents}`]);
    line(`${agents} agents, cycles/s: host vs one serve --http`, `${round(viaHost, 1)} vs ${round(viaHttp, 1)} = ${round(viaHost / viaHttp)}×`, 'target ≥ 0.9×');
  }
  line('warm start to initialize + tools/list: tasklane vs bare SDK', `${warm} ms vs ${bare} ms = ${round(warm / bare)}×`, 'target ≤ 2×');
  line('tasklane --help vs node -e 0', `${help} ms vs ${nodeOnly} ms = ${round(help / nodeOnly)}×`, 'target ≤ 4×');
} finally {
  stopHost();
  fs.rmSync(root, { recursive: true, force: true });
}
