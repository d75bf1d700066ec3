// The board host against its peers, side by side in one run (ratios are the figures; the machine may be
// shared, so absolute times move): one agent's take-and-finish cycles through the host vs the folder
// opened by the agent's own tasklane; the hop's added p50 a call; 3 and 8 agents through the host vs the
// same agents over HTTP on one `serve --http` process; warm start (host running) to initialize +
// tools/list vs a bare SDK stdio server; `tasklane --help` vs `node -e 0`.
// Run: npm run bench:proxy [-- cycles rounds]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, httpClients, startHttpServer } from './mcp-clients.js';
import { elapsedMs, round, summarise } from './stats.js';

const CYCLES = Number(process.argv[2] ?? 300);
const ROUNDS = Number(process.argv[3] ?? 2);
const BOARD = 1000;
const STARTS = 10;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-proxy-bench-'));
const folder = path.join(root, 'board');
const BARE = path.resolve(import.meta.dirname, 'bare-sdk-server.mjs');
const BARE_PIPE = path.resolve(import.meta.dirname, 'bare-pipe.mjs');
const baseEnv = { ...(process.env as Record<string, string>), HOME: root, TASKLANE_DATABASE_URL: folder, TASKLANE_LOG_LEVEL: 'warn', TASKLANE_BOARD_HOST_IDLE_SECONDS: '30' };

async function stdioClient(name: string, command: string, args: string[], env: Record<string, string> = baseEnv): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, env, stderr: 'ignore' }));
  return client;
}
const agent = (name: string, project: string, boardHost: boolean) =>
  stdioClient(name, process.execPath, [CLI], { ...baseEnv, TASKLANE_PROJECT: project, TASKLANE_BOARD_HOST: boardHost ? 'on' : 'off' });

const stopHost = () => spawnSync(process.execPath, [CLI, 'host', 'stop'], { env: baseEnv, encoding: 'utf8' });
const call = (c: Client, name: string, args: Record<string, unknown>) => c.callTool({ name, arguments: args });

async function writeBoard(c: Client) {
  const tasks = Array.from({ length: BOARD }, (_, i) => ({ id: `T${i}`, description: `task ${i}` }));
  await c.callTool({ name: 'write_task_list', arguments: { tasks } }, undefined, { timeout: 300_000 });
}

/** One take-and-finish cycle, each call timed; false when the board had nothing left. */
async function cycle(c: Client, name: string, calls?: number[]): Promise<boolean> {
  let start = process.hrtime.bigint();
  const next = (await call(c, 'get_next_task', { agent: name })).structuredContent as { task: { id: string } | null };
  calls?.push(elapsedMs(start));
  if (!next.task) return false;
  start = process.hrtime.bigint();
  await call(c, 'mark_task_status', { task_id: next.task.id, status: 'completed', agent: name });
  calls?.push(elapsedMs(start));
  return true;
}

type Path = 'host' | 'direct' | 'pipe';

/** The agent's process: the relay to the host, its own folder, or a bare node pipe to the host (the hop's floor). */
async function soloAgent(mode: Path, project: string): Promise<Client> {
  if (mode !== 'pipe') return agent('solo', project, mode === 'host');
  await (await agent('starter', project, true)).close(); // a host runs
  const hello = JSON.stringify({ tasklane: 'mcp', version: '0', cwd: process.cwd(), env: { TASKLANE_PROJECT: project } });
  return stdioClient('solo', process.execPath, [BARE_PIPE, path.join(folder, 'host.sock'), hello]);
}

async function solo(mode: Path, n: number) {
  if (mode === 'direct') stopHost();
  const c = await soloAgent(mode, `solo-${mode}-${n}`);
  await writeBoard(c);
  for (let i = 0; i < 30; i++) await cycle(c, 'solo');
  const calls: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < CYCLES; i++) await cycle(c, 'solo', calls);
  const perSecond = CYCLES / (elapsedMs(start) / 1000);
  // The hop alone: a ping is answered by the MCP server without the database.
  const pings: number[] = [];
  for (let i = 0; i < CYCLES; i++) {
    const t = process.hrtime.bigint();
    await c.ping();
    pings.push(elapsedMs(t));
  }
  await c.close();
  return { perSecond, call: summarise(calls), ping: summarise(pings) };
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
  const solos: Record<Path, Awaited<ReturnType<typeof solo>>[]> = { host: [], direct: [], pipe: [] };
  const crowds: Record<string, number[]> = {};
  for (let n = 0; n < ROUNDS; n++) {
    // Alternating order: the board grows with every run.
    for (const mode of (n % 2 ? ['host', 'pipe', 'direct'] : ['direct', 'pipe', 'host']) as Path[]) solos[mode].push(await solo(mode, n));
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

  const hostRate = median(solos.host.map((s) => s.perSecond));
  const directRate = median(solos.direct.map((s) => s.perSecond));
  const hostCall = median(solos.host.map((s) => s.call.p50_ms));
  const directCall = median(solos.direct.map((s) => s.call.p50_ms));
  console.log(`board host bench: ${BOARD}-task boards, ${CYCLES} cycles a solo run, ${ROUNDS} rounds (medians), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  line('one agent, cycles/s: host vs own folder', `${round(hostRate, 1)} vs ${round(directRate, 1)} = ${round(hostRate / directRate)}×`, 'target ≥ 0.9×');
  const hostPing = median(solos.host.map((s) => s.ping.p50_ms));
  const directPing = median(solos.direct.map((s) => s.ping.p50_ms));
  const pipePing = median(solos.pipe.map((s) => s.ping.p50_ms));
  const pipeRate = median(solos.pipe.map((s) => s.perSecond));
  line('a tool call, p50: host vs own folder', `${hostCall} ms vs ${directCall} ms: +${round(hostCall - directCall)} ms`, '');
  line('the hop: a ping, p50: host vs own folder', `${hostPing} ms vs ${directPing} ms: +${round(hostPing - directPing)} ms`, 'target ≤ 0.3 ms');
  line('the floor of any relay: a bare node pipe to the host', `ping +${round(pipePing - directPing)} ms; ${round(pipeRate, 1)} cycles/s = ${round(pipeRate / directRate)}×`, '');
  for (const agents of [3, 8]) {
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
