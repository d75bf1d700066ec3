import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../scripts/bundle.js';
import { openStore } from '../src/db/open.js';

const MCPB_CLI = path.resolve(import.meta.dirname, '..', 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
const mcpb = (...args: string[]) => spawnSync(process.execPath, [MCPB_CLI, ...args], { encoding: 'utf8' });

type Manifest = { server: { entry_point: string; mcp_config: { command: string; args: string[]; env: Record<string, string> } }; user_config: Record<string, { default?: string }> };

// The one slow test: it builds the bundle as `npm run bundle` does (pack, production install, zip).
describe('the Claude Desktop bundle (.mcpb)', () => {
  let root: string;
  let unpacked: string;
  let manifest: Manifest;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-mcpb-'));
    const bundle = await buildBundle(root);
    unpacked = path.join(root, 'unpacked'); // outside the repository: only the bundle's own node_modules resolve
    const r = mcpb('unpack', bundle, unpacked);
    expect(r.status, r.stderr).toBe(0);
    manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8'));
  }, 240_000);
  /** Stops the board host the bundle's server started for its default folder, if it runs. */
  const stopHost = () => {
    const home = path.join(root, 'home');
    if (!unpacked || !fs.existsSync(home)) return;
    const env = { PATH: process.env.PATH ?? '', HOME: home, USERPROFILE: home };
    spawnSync(process.execPath, [path.join(unpacked, manifest.server.entry_point), 'host', 'stop'], { env, encoding: 'utf8' });
  };
  afterAll(() => {
    if (!root) return;
    stopHost();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('has a manifest that mcpb validates, and holds the server with its production dependencies only', () => {
    const r = mcpb('validate', path.join(unpacked, 'manifest.json'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(fs.existsSync(path.join(unpacked, manifest.server.entry_point))).toBe(true);
    for (const dir of ['@electric-sql/pglite', '@modelcontextprotocol/sdk', 'kysely', 'pg']) {
      expect(fs.existsSync(path.join(unpacked, 'node_modules', dir)), dir).toBe(true);
    }
    for (const dev of ['vitest', 'typescript', 'testcontainers', '@dagrejs/dagre']) {
      expect(fs.existsSync(path.join(unpacked, 'node_modules', dev)), dev).toBe(false);
    }
    expect(fs.existsSync(path.join(unpacked, 'dist', 'web', 'vendor', 'dagre.esm.js'))).toBe(true);
    expect(fs.existsSync(path.join(unpacked, 'dist', 'pglite-image', 'pgdata.tar.gz'))).toBe(true);
  });

  it('starts the server from the unpacked bundle as the manifest says on a new home, from the image it carries, and answers', async () => {
    const { command, args, env } = manifest.server.mcp_config;
    expect(command).toBe('node');
    // What Claude Desktop does: ${__dirname} is the bundle's folder, ${user_config.x} the user's value (here the defaults).
    const fill = (v: string) => v.replaceAll('${__dirname}', unpacked).replace(/\$\{user_config\.(\w+)\}/g, (_, k: string) => manifest.user_config[k]?.default ?? '');
    const home = path.join(root, 'home');
    fs.mkdirSync(home);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: args.map(fill),
      cwd: home,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        USERPROFILE: home,
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v)])),
        TASKLANE_BOARD_HOST_IDLE_SECONDS: '2',
      },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (c) => (stderr += c));
    const client = new Client({ name: 'bundle-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      expect(client.getServerVersion()).toMatchObject({ name: 'tasklane' });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('get_next_task');
      const written = await client.callTool({ name: 'write_task_list', arguments: { tasks: [{ id: 'B1', description: 'from the bundle' }] } });
      expect(written.isError, JSON.stringify(written)).toBeFalsy();
    } finally {
      await client.close();
    }
    // The user_config defaults are empty: the task went to the default data folder under the user's home.
    stopHost();
    // The new folder started from the image the bundle carries (no initdb on the user's first start).
    expect(fs.readFileSync(path.join(home, '.tasklane', 'data', 'host.log'), 'utf8')).toContain('"msg":"a new database from the prepared image"');
    const store = await openStore(path.join(home, '.tasklane', 'data'));
    try {
      const { rows } = await sql<{ id: string }>`select id from tasks where project_id = 'default'`.execute(store.db);
      expect(rows.map((r) => r.id), stderr).toEqual(['B1']);
    } finally {
      await store.close();
    }
  });
});
