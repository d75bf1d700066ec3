// Profiles the server side of take-and-finish cycles (get_next_task + mark_task_status) with node's
// --cpu-prof, and prints where the server's CPU goes during the measured cycles only (warm-up and start
// left out, by the samples' timestamps).
//   npx tsx bench/profile-cycle.ts direct [cycles]          the agent's own tasklane on a PGlite folder (TASKLANE_BOARD_HOST=off)
//   npx tsx bench/profile-cycle.ts host [cycles]            through the board host (profiles the host)
//   npx tsx bench/profile-cycle.ts http [cycles] [agents]   tasklane serve --http on TASKLANE_BENCH_DATABASE_URL (Postgres)
// Keeps the .cpuprofile files in the folder it prints (open them in Chrome's DevTools).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, httpClients, startHttpServer } from './mcp-clients.js';
import { summariseProfile } from './profile-summary.js';
import { elapsedMs, round, summarise } from './stats.js';

const mode = process.argv[2] ?? 'direct';
const CYCLES = Number(process.argv[3] ?? 1000);
const AGENTS = Number(process.argv[4] ?? 16);
const WARMUP = 200;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-profile-'));
const profiles = path.join(root, 'profiles');
const folder = path.join(root, 'board');
const env = { ...(process.env as Record<string, string>), HOME: root, TASKLANE_LOG_LEVEL: 'warn', TASKLANE_PROJECT: 'profile' };

type CallTool = (name: string, args: Record<string, unknown>) => Promise<{ structuredContent?: unknown; isError?: boolean }>;

async function cycle(call: CallTool, agent: string): Promise<boolean> {
  const next = (await call('get_next_task', { agent })).structuredContent as { task: { id: string } | null };
  if (!next.task) return false;
  const done = await call('mark_task_status', { task_id: next.task.id, status: 'completed', agent });
  if (done.isError) throw new Error(JSON.stringify(done));
  return true;
}

async function run(clients: Client[]) {
  const tasks = Array.from({ length: WARMUP + CYCLES + 10 * clients.length }, (_, i) => ({ id: `T${i}`, description: `task ${i}` }));
  await clients[0].callTool({ name: 'write_task_list', arguments: { tasks } }, undefined, { timeout: 600_000 });
  const calls = clients.map((c) => ((name, args) => c.callTool({ name, arguments: args })) as CallTool);
  for (let i = 0; i < WARMUP; i++) await cycle(calls[i % calls.length], `a${i % calls.length}`);
  let left = CYCLES;
  const latencies: number[] = [];
  const from = process.hrtime.bigint();
  await Promise.all(calls.map(async (call, i) => {
    while (left-- > 0) {
      const t = process.hrtime.bigint();
      await cycle(call, `a${i}`);
      latencies.push(elapsedMs(t));
    }
  }));
  const to = process.hrtime.bigint();
  return { from, to, latencies };
}

function stdioClient(args: string[], extraEnv: Record<string, string>) {
  const client = new Client({ name: 'profiler', version: '1.0.0' });
  return client.connect(new StdioClientTransport({ command: process.execPath, args, env: { ...env, ...extraEnv }, stderr: 'inherit' })).then(() => client);
}

try {
  let window: { from: bigint; to: bigint; latencies: number[] };
  let serverCpu: number | undefined;
  if (mode === 'direct' || mode === 'host') {
    const host = mode === 'host';
    const client = host
      ? await stdioClient([CLI], { TASKLANE_DATABASE_URL: folder, TASKLANE_BOARD_HOST: 'on', NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profiles}` })
      : await stdioClient([`--cpu-prof`, `--cpu-prof-dir=${profiles}`, CLI], { TASKLANE_DATABASE_URL: folder, TASKLANE_BOARD_HOST: 'off' });
    window = await run([client]);
    await client.close();
    if (host) spawnSync(process.execPath, [CLI, 'host', 'stop'], { env: { ...env, TASKLANE_DATABASE_URL: folder }, stdio: 'inherit' });
  } else {
    const url = process.env.TASKLANE_BENCH_DATABASE_URL;
    if (!url) throw new Error('http: set TASKLANE_BENCH_DATABASE_URL to a Postgres database');
    const server = await startHttpServer(url, `profile-${Date.now()}`, ['--cpu-prof', `--cpu-prof-dir=${profiles}`]);
    const connect = httpClients(server.url, server.token);
    const clients = await Promise.all(Array.from({ length: AGENTS }, (_, i) => connect(`a${i}`)));
    const cpu0 = server.cpuMs();
    window = await run(clients);
    const cpu1 = server.cpuMs();
    if (cpu0 !== undefined && cpu1 !== undefined) serverCpu = (cpu1 - cpu0) / CYCLES;
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }
  // The profiles are written as the processes exit, which takes a while on a loaded machine.
  for (let waited = 0; waited < 60_000 && !(fs.existsSync(profiles) && fs.readdirSync(profiles).length); waited += 250) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 1000));
  const seconds = Number(window.to - window.from) / 1e9;
  console.log(`${mode}: ${CYCLES} cycles, ${round(CYCLES / seconds, 1)} cycles/s, cycle p50 ${summarise(window.latencies).p50_ms} ms` +
    `${serverCpu !== undefined ? `, server CPU ${round(serverCpu, 2)} ms a cycle` : ''}; load ${os.loadavg()[0].toFixed(1)}`);
  for (const file of fs.readdirSync(profiles)) {
    console.log(`\n== ${path.join(profiles, file)}`);
    console.log(summariseProfile(JSON.parse(fs.readFileSync(path.join(profiles, file), "utf8")), { from: window.from, to: window.to, cycles: CYCLES, top: 45 }));
    console.log(`again: npx tsx bench/profile-summary.ts ${path.join(profiles, file)} ${window.from / 1000n} ${window.to / 1000n} ${CYCLES}`);
  }
  console.log(`\nprofiles kept in ${profiles}`);
} finally {
  if (mode === 'host') spawnSync(process.execPath, [CLI, 'host', 'stop'], { env: { ...env, TASKLANE_DATABASE_URL: folder } });
  fs.rmSync(folder, { recursive: true, force: true });
}
