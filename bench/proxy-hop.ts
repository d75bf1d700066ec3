// The cost of the board host's hop: get_next_task + mark_task_status from a stdio agent whose tasklane
// relays to the board host, against one whose tasklane opens the PGlite folder itself; then claims per
// second with 1, 3 and 8 local agents sharing one board through the host.
// Run: npm run bench:proxy [-- cycles]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI } from './mcp-clients.js';
import { elapsedMs, round, summarise } from './stats.js';

const CYCLES = Number(process.argv[2] ?? 300);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-proxy-bench-'));

async function agent(folder: string, name: string, boardHost: boolean): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI],
    env: {
      ...(process.env as Record<string, string>),
      TASKLANE_DATABASE_URL: folder,
      TASKLANE_PROJECT: 'bench',
      TASKLANE_LOG_LEVEL: 'warn',
      TASKLANE_BOARD_HOST: boardHost ? 'on' : 'off',
      TASKLANE_BOARD_HOST_IDLE_SECONDS: '2',
    },
    stderr: 'ignore',
  });
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const call = (c: Client, name: string, args: Record<string, unknown>) => c.callTool({ name, arguments: args });

async function writeTasks(c: Client, n: number) {
  for (let i = 0; i < n; i += 1000) {
    const tasks = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ id: `T${i + k}`, description: `task ${i + k}` }));
    await call(c, 'write_task_list', { tasks });
  }
}

/** One take-and-finish cycle; false when the board had nothing left. */
async function cycle(c: Client, name: string): Promise<boolean> {
  const next = (await call(c, 'get_next_task', { agent: name })).structuredContent as { task: { id: string } | null };
  if (!next.task) return false;
  await call(c, 'mark_task_status', { task_id: next.task.id, status: 'completed', agent: name });
  return true;
}

async function latency(boardHost: boolean) {
  const folder = path.join(root, boardHost ? 'via-host' : 'direct');
  const c = await agent(folder, 'solo', boardHost);
  await writeTasks(c, CYCLES + 50);
  for (let i = 0; i < 30; i++) await cycle(c, 'solo');
  const samples: number[] = [];
  for (let i = 0; i < CYCLES; i++) {
    const start = process.hrtime.bigint();
    await cycle(c, 'solo');
    samples.push(elapsedMs(start));
  }
  await c.close();
  return summarise(samples);
}

async function throughput(agents: number) {
  const folder = path.join(root, `agents-${agents}`);
  const clients = await Promise.all(Array.from({ length: agents }, (_, i) => agent(folder, `a${i}`, true)));
  const total = CYCLES * 2;
  await writeTasks(clients[0], total);
  const start = process.hrtime.bigint();
  let done = 0;
  await Promise.all(clients.map(async (c, i) => {
    while (await cycle(c, `a${i}`)) done++;
  }));
  const seconds = elapsedMs(start) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  return { agents, cycles: done, per_second: round(done / seconds, 1) };
}

try {
  const direct = await latency(false);
  const viaHost = await latency(true);
  console.log(`cycle = get_next_task + mark_task_status over stdio, PGlite folder, ${CYCLES} cycles`);
  console.log(`own folder   p50 ${direct.p50_ms} ms  p99 ${direct.p99_ms} ms`);
  console.log(`board host   p50 ${viaHost.p50_ms} ms  p99 ${viaHost.p99_ms} ms  (hop: +${round(viaHost.p50_ms - direct.p50_ms)} ms p50, +${round(viaHost.p99_ms - direct.p99_ms)} ms p99)`);
  for (const n of [1, 3, 8]) {
    const r = await throughput(n);
    console.log(`${String(n).padStart(2)} local agents through the host: ${r.per_second} cycles/s (${r.cycles} cycles)`);
  }
} finally {
  await new Promise((r) => setTimeout(r, 2500)); // hosts stop when idle; then the folders can go
  fs.rmSync(root, { recursive: true, force: true });
}
