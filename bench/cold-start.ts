// Cold start, side by side in one run (ratios are the figures; the machine may be shared): a new user's
// first `tasklane` (a new home folder, so a new data folder and no board host) to initialize + tools/list
// answered and to its first tool call answered; the same folder again with no host running (the host
// stopped); the same first start without the prepared database image (dist/pglite-image moved aside for
// it: initdb and every migration, as before the image); and a bare SDK stdio server to initialize +
// tools/list. They take turns, STARTS rounds.
// Run: npm run bench:cold [-- starts]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { DEFAULT_IMAGE_DIR } from '../src/db/pglite-image.js';
import { CLI } from './mcp-clients.js';
import { elapsedMs, round } from './stats.js';

const STARTS = Number(process.argv[2] ?? 5);
const BARE = path.resolve(import.meta.dirname, 'bare-sdk-server.mjs');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-cold-bench-'));

type Start = { lists: number; call: number };

function envFor(home: string): Record<string, string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), HOME: home, TASKLANE_LOG_LEVEL: 'warn', TASKLANE_PROJECT: 'cold' };
  for (const name of ['TASKLANE_DATABASE_URL', 'TASKLANE_BOARD_HOST']) delete env[name];
  return env;
}

/** Spawn to initialize + tools/list answered, then (for tasklane) to the first tool call answered. */
async function start(command: string, args: string[], env: Record<string, string>, callTool: boolean): Promise<Start> {
  const began = process.hrtime.bigint();
  const client = new Client({ name: 'cold', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, env, stderr: 'ignore' }));
  await client.listTools();
  const lists = elapsedMs(began);
  if (callTool) await client.callTool({ name: 'read_task_breakdown', arguments: {} }, undefined, { timeout: 120_000 });
  const call = callTool ? elapsedMs(began) : NaN;
  await client.close();
  return { lists, call };
}

const stopHost = (env: Record<string, string>) => spawnSync(process.execPath, [CLI, 'host', 'stop'], { env, stdio: 'ignore' });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (label: string, value: string, target = '') => console.log(`${label.padEnd(62)} ${value.padEnd(30)} ${target}`);

const samples = { cold: [] as Start[], existing: [] as Start[], noImage: [] as Start[], bare: [] as Start[] };
const ASIDE = `${DEFAULT_IMAGE_DIR}.aside`;
const restoreImage = () => fs.existsSync(ASIDE) && fs.renameSync(ASIDE, DEFAULT_IMAGE_DIR);
if (!fs.existsSync(DEFAULT_IMAGE_DIR)) throw new Error(`no prepared image in ${DEFAULT_IMAGE_DIR}: run npm run build`);
try {
  await start(process.execPath, [BARE], envFor(root), false); // the file cache warm for everyone
  for (let i = 0; i < STARTS; i++) {
    const env = envFor(path.join(root, `home-${i}`));
    fs.mkdirSync(env.HOME);
    samples.cold.push(await start(process.execPath, [CLI], env, true));
    stopHost(env);
    samples.existing.push(await start(process.execPath, [CLI], env, true));
    stopHost(env);
    const without = envFor(path.join(root, `home-${i}-without`));
    fs.mkdirSync(without.HOME);
    fs.renameSync(DEFAULT_IMAGE_DIR, ASIDE);
    try {
      samples.noImage.push(await start(process.execPath, [CLI], without, true));
    } finally {
      restoreImage();
    }
    stopHost(without);
    samples.bare.push(await start(process.execPath, [BARE], env, false));
  }
  const m = (xs: Start[], key: keyof Start) => round(median(xs.map((s) => s[key])), 0);
  const bare = m(samples.bare, 'lists');
  console.log(`cold start bench: medians of ${STARTS} starts each, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  line('new folder: initialize + tools/list, tasklane vs bare SDK', `${m(samples.cold, 'lists')} vs ${bare} ms = ${round(m(samples.cold, 'lists') / bare)}×`, 'target ≤ 4×');
  line('new folder: first tool call answered (read_task_breakdown)', `${m(samples.cold, 'call')} ms`);
  line('new folder without the image (initdb): initialize + tools/list', `${m(samples.noImage, 'lists')} ms = ${round(m(samples.noImage, 'lists') / bare)}×`);
  line('new folder without the image (initdb): first tool call answered', `${m(samples.noImage, 'call')} ms`, `image: ${round(m(samples.cold, 'call') / m(samples.noImage, 'call'))}× of it, target ≤ 0.5×`);
  line('existing folder, no host: initialize + tools/list vs bare SDK', `${m(samples.existing, 'lists')} vs ${bare} ms = ${round(m(samples.existing, 'lists') / bare)}×`);
  line('existing folder, no host: first tool call answered', `${m(samples.existing, 'call')} ms`);
  console.log(`samples (lists / call ms): new ${samples.cold.map((s) => `${round(s.lists, 0)}/${round(s.call, 0)}`).join(' ')}; without image ${samples.noImage.map((s) => `${round(s.lists, 0)}/${round(s.call, 0)}`).join(' ')}; existing ${samples.existing.map((s) => `${round(s.lists, 0)}/${round(s.call, 0)}`).join(' ')}`);
} finally {
  restoreImage();
  for (let i = 0; i < STARTS; i++) for (const home of [`home-${i}`, `home-${i}-without`]) stopHost(envFor(path.join(root, home)));
  fs.rmSync(root, { recursive: true, force: true });
}
