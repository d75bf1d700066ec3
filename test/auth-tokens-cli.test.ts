import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDataFolder } from './helpers/data-folder.js';
import { engines } from './helpers/engines.js';
import { connectHttp } from './helpers/http-client.js';
import { type HttpBin, spawnHttpBin } from './helpers/serve-bin.js';
import { CLI } from './helpers/stdio-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(url: string, cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, TASKLANE_DATABASE_URL: url, TASKLANE_LOG_LEVEL: 'warn', TASKLANE_BOARD_HOST: 'off' }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// What a person types to hand out and take back credentials: the built bin, its exact output.
describe.each(engines)('tasklane token on %s', (engine) => {
  let root: string;
  let url: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-token-'));
    url = engine === 'pglite' ? seededDataFolder(path.join(root, 'board')) : process.env.TEST_DATABASE_URL!;
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates a token printed once, lists it without its secret, and revokes it', () => {
    const name = `ci-${randomUUID().slice(0, 8)}`;
    const created = cli(url, root, 'token', 'create', '--name', name, '--project', 'billing,web', '--role', 'worker');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^tl_[\w-]{43}\n$/);
    expect(created.stderr).toBe(`token "${name}" created: role worker, projects billing, web. It is shown once, below; only its hash is kept.\n`);
    const listed = cli(url, root, 'token', 'list');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/^NAME +ROLE +PROJECTS +CREATED +LAST USED\n/);
    expect(listed.stdout).toMatch(new RegExp(`\\n${name} +worker +billing,web +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +never\\n`));
    expect(listed.stdout).not.toContain(created.stdout.trim());

    expect(cli(url, root, 'token', 'create', '--name', name, '--project', 'all', '--role', 'reader')).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^tasklane: conflict: name: a token named ".*" exists; revoke it first/) });
    expect(cli(url, root, 'token', 'create', '--name', 'x', '--project', 'all', '--role', 'boss')).toMatchObject({ code: 1, stderr: 'tasklane: invalid_input: role: "boss" is not a role; use one of reader, worker, orchestrator, admin\n' });
    expect(cli(url, root, 'token', 'create', '--name', 'x')).toMatchObject({ code: 1, stderr: expect.stringMatching(/needs --name NAME --role/) });
    expect(cli(url, root, 'token', 'rvoke', name)).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown action "rvoke"; did you mean revoke\?/) });

    expect(cli(url, root, 'token', 'revoke', name)).toMatchObject({ code: 0, stdout: `token "${name}" revoked: every server refuses it within a second\n` });
    expect(cli(url, root, 'token', 'revoke', name)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^tasklane: not_found: name: no token named/) });
    expect(cli(url, root, 'token', 'list').stdout).not.toContain(name);
  });
});

// Revocation is stored in the database; each replica trusts what it read for at most TOKEN_CACHE_MS.
describe.runIf(process.env.TEST_DATABASE_URL)('a revoked token on a second replica', () => {
  const url = process.env.TEST_DATABASE_URL!;
  let replicas: HttpBin[] = [];
  afterAll(async () => {
    for (const r of replicas) await r.stop();
  });

  it('is refused by another `serve --http` process within a second of `tasklane token revoke`', async () => {
    const name = `replica-${randomUUID().slice(0, 8)}`;
    const created = cli(url, os.tmpdir(), 'token', 'create', '--name', name, '--project', 'all', '--role', 'reader');
    const token = created.stdout.trim();
    const env = { TASKLANE_DATABASE_URL: url, TASKLANE_HTTP_TOKEN: '' };
    replicas = [await spawnHttpBin(env), await spawnHttpBin(env)];
    const agents = await Promise.all(replicas.map((r) => connectHttp(r.url, { token })));
    for (const a of agents) expect((await a.call('read_task_breakdown', { project: 'replicas' })).isError).toBeFalsy();

    expect(cli(url, os.tmpdir(), 'token', 'revoke', name).code).toBe(0);
    await sleep(1000);
    for (const a of agents) await expect(a.call('read_task_breakdown', { project: 'replicas' })).rejects.toThrow(/401|invalid_token|Unauthorized/i);
    for (const a of agents) await a.close().catch(() => {});
  });
});
