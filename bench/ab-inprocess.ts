// A/B of the server side of take-and-finish cycles, in one process: this tree's app and another tree's
// (TASKLANE_AB_OTHER, say /work/main), each on its own PGlite folder or Postgres project, each with an
// MCP client over the SDK's in-memory transport. They take turns in blocks; the figure is the CPU time
// of the process per cycle (client + server + database for PGlite), which the load of a shared machine
// moves far less than wall time.
//   TASKLANE_AB_OTHER=/work/main npx tsx bench/ab-inprocess.ts [pglite|postgres-url] [blocks] [cycles-a-block]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';

const other = process.env.TASKLANE_AB_OTHER ?? '/work/main';
const engine = process.argv[2] ?? 'pglite';
const BLOCKS = Number(process.argv[3] ?? 20);
const PER_BLOCK = Number(process.argv[4] ?? 50);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-ab-'));

async function stack(tree: string, label: string) {
  const { loadConfig } = await import(path.join(tree, 'src/config.ts'));
  const { startApp } = await import(path.join(tree, 'src/app.ts'));
  const { createMcpServer } = await import(path.join(tree, 'src/mcp/server.ts'));
  const { createLogger } = await import(path.join(tree, 'src/log.ts'));
  const url = engine === 'pglite' ? path.join(root, label) : engine;
  const config = loadConfig({ ...process.env, TASKLANE_DATABASE_URL: url, TASKLANE_PROJECT: `ab-${label}-${Date.now()}`, TASKLANE_BOARD_HOST: 'off' });
  const log = createLogger('warn');
  const app = await startApp(config, log, { background: false, role: 'bench' });
  const server = createMcpServer({ board: app.board, lessons: app.lessons, log, defaultProject: app.defaultProject });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: 'ab', version: '1.0.0' });
  await client.connect(b);
  const tasks = Array.from({ length: BLOCKS * PER_BLOCK + 200 }, (_, i) => ({ id: `T${i}`, description: `task ${i}` }));
  await client.callTool({ name: 'write_task_list', arguments: { tasks } }, undefined, { timeout: 600_000 });
  const cycle = async () => {
    const next = (await client.callTool({ name: 'get_next_task', arguments: { agent: 'ab' } })).structuredContent as { task: { id: string } };
    const done = await client.callTool({ name: 'mark_task_status', arguments: { task_id: next.task.id, status: 'completed', agent: 'ab' } });
    if (done.isError) throw new Error(JSON.stringify(done));
  };
  return { label, cycle, close: async () => { await client.close(); await app.close(); }, cpuUs: 0, ms: 0, n: 0 };
}

const stacks = [await stack(other, 'other'), await stack(process.cwd(), 'this')];
for (const s of stacks) for (let i = 0; i < 100; i++) await s.cycle();
for (let b = 0; b < BLOCKS; b++) {
  for (const s of b % 2 ? [...stacks].reverse() : stacks) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < PER_BLOCK; i++) await s.cycle();
    const c = process.cpuUsage(c0);
    s.cpuUs += c.user + c.system;
    s.ms += Number(process.hrtime.bigint() - t0) / 1e6;
    s.n += PER_BLOCK;
  }
}
for (const s of stacks) await s.close();
fs.rmSync(root, { recursive: true, force: true });
const [o, t] = stacks;
const cpu = (s: typeof o) => s.cpuUs / 1000 / s.n;
console.log(`${engine === 'pglite' ? 'pglite' : 'postgres'}, ${o.n} cycles each, load ${os.loadavg()[0].toFixed(1)}`);
for (const s of stacks) console.log(`${s.label.padEnd(6)} CPU ${cpu(s).toFixed(3)} ms a cycle, ${(s.n / (s.ms / 1000)).toFixed(1)} cycles/s`);
console.log(`this / other: CPU ${(cpu(t) / cpu(o)).toFixed(2)}×, cycles/s ${((t.n / t.ms) / (o.n / o.ms)).toFixed(2)}×`);
