import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDataFolder } from './helpers/data-folder.js';
import { connectHttp, eventually, initializeBody, rawRequest } from './helpers/http-client.js';
import { CLI } from './helpers/stdio-client.js';

const TOKEN = 'bin-token-fedcba9876543210';
let dataDir: string;
const env = (extra: Record<string, string>) => ({ ...(process.env as Record<string, string>), TASKLANE_DATABASE_URL: dataDir, ...extra });

describe('the tasklane bin serving HTTP', () => {
  let child: ChildProcess;
  let stderr = '';
  let url: string;
  beforeAll(async () => {
    // A copy of the migrated template: no initdb in the bin.
    dataDir = seededDataFolder(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-http-bin-')), 'board'));
    child = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0'], { env: env({ TASKLANE_HTTP_TOKEN: TOKEN, TASKLANE_PROJECT: 'bin-http' }) });
    child.stderr!.on('data', (c) => (stderr += c));
    await eventually(() => stderr.includes('tasklane started') || child.exitCode !== null, 'the bin did not start', 60_000);
    const started = JSON.parse(stderr.split('\n').find((l) => l.includes('tasklane started'))!);
    expect(started).toMatchObject({ transport: 'http', auth: 'bearer', stateless: false, project: 'bin-http' });
    url = started.url;
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('serves the tools with the token, logs each request without it, and stops cleanly on SIGTERM', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const agent = await connectHttp(url, { token: TOKEN, name: 'bin-agent' });
    await agent.call('write_task_list', { tasks: [{ id: 'B1', description: 'a task over the bin' }] });
    const next = await agent.call('get_next_task', {});
    expect(next.structuredContent).toMatchObject({ project: 'bin-http', task: { id: 'B1', assignee: 'bin-agent' } });
    const denied = await rawRequest(url, { headers: { authorization: 'Bearer wrong-token-that-should-not-be-logged' }, body: initializeBody });
    expect(denied.status).toBe(401);

    await eventually(() => stderr.includes('"status":401'), 'the 401 was not logged');
    const requests = stderr.split('\n').filter((l) => l.includes('"http request"')).map((l) => JSON.parse(l));
    expect(requests).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/mcp', rpc: 'tools/call', tool: 'get_next_task', status: 200, session: agent.transport.sessionId }),
    );
    expect(requests).toContainEqual(expect.objectContaining({ rpc: 'initialize', status: 200, session: agent.transport.sessionId }));
    expect(requests.every((r) => typeof r.ms === 'number')).toBe(true);
    expect(stderr).not.toContain(TOKEN);
    expect(stderr).not.toContain('wrong-token-that-should-not-be-logged');

    // The agent still holds its SSE stream open: shutdown must close it rather than wait forever.
    child.kill('SIGTERM');
    const [code] = await once(child, 'close'); // 'close' comes after stderr is drained; 'exit' may not
    expect(code).toBe(0);
    expect(stderr).toMatch(/"why":"SIGTERM".*\n(.*\n)*.*"msg":"stopped"/);
    await agent.close();
  });

  it('refuses a non-loopback address without a token, before opening the database', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--http', '--host', '0.0.0.0'], { env: env({ TASKLANE_HTTP_TOKEN: '' }), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a token.*TASKLANE_HTTP_TOKEN.*--insecure-no-auth/);
  });
});
