import { randomUUID } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/auth/access.js';
import { TokenBook } from '../src/auth/tokens.js';
import { serveBoardForTests } from './helpers/board-server.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { engines, newProject, useTestBoard } from './helpers/engines.js';

const ADMIN = 'board-admin-token-0123456789';

// The web board signs people in with the same credentials as MCP: each role sees and does only its part.
describe.each(engines)('the board with named tokens on %s', (engine) => {
  const ctx = useTestBoard(engine);
  const project = newProject('board');
  const other = newProject('elsewhere');
  const tokens = {} as Record<Role, { name: string; token: string }>;
  let server: Awaited<ReturnType<typeof serveBoardForTests>>;

  beforeAll(async () => {
    const book = new TokenBook(ctx.store.db);
    for (const role of ['reader', 'worker', 'orchestrator', 'admin'] as const) {
      const name = `${role}-${randomUUID().slice(0, 8)}`;
      tokens[role] = { name, token: (await book.create({ name, role, projects: [project] })).token };
    }
    for (const p of [project, other]) {
      await ctx.board.writeTaskList(p, { tasks: [{ id: 'F', description: 'fails' }, { id: 'G', description: 'waits' }] });
      await ctx.board.nextTask(p, { agent: 'w' });
      await ctx.board.markTaskStatus(p, { task_id: 'F', status: 'failed', agent: 'w' });
    }
    server = await serveBoardForTests({ board: ctx.board, defaultProject: project, token: ADMIN, tokens: book });
  });
  afterAll(() => server?.close());

  const api = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/board/api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

  it('lets orchestrators and admins read the board API of their projects only, and each act as its role allows', async () => {
    for (const role of ['reader', 'worker'] as const) {
      const r = await api(tokens[role].token, `/snapshot?project=${project}`);
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error: 'forbidden', message: expect.stringMatching(new RegExp(`role ${role}\\) may not open the board: it needs role orchestrator`)) });
    }
    expect((await api(tokens.orchestrator.token, `/snapshot?project=${project}`)).status).toBe(200);
    const elsewhere = await api(tokens.orchestrator.token, `/snapshot?project=${other}`);
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({ error: 'forbidden', message: expect.stringMatching(/^project: .* may not use the board on project/) });
    expect((await api(tokens.admin.token, `/tasks/F?project=${other}`)).status).toBe(403);
    expect((await fetch(`${server.url}/board/events?project=${other}`, { headers: { authorization: `Bearer ${tokens.orchestrator.token}` } })).status).toBe(403);
    expect((await api(ADMIN, `/snapshot?project=${other}`)).status).toBe(200);

    const retry = await api(tokens.orchestrator.token, `/tasks/F/retry?project=${project}`, { method: 'POST', body: '{}' });
    expect(retry.status).toBe(403);
    expect(await retry.json()).toMatchObject({ message: expect.stringMatching(/role orchestrator\) may not retry tasks on the board: it needs role admin/) });
    const note = await api(tokens.orchestrator.token, `/tasks/G/note?project=${project}`, { method: 'POST', body: JSON.stringify({ as: 'carol', note: 'looked at it' }) });
    expect(note.status).toBe(200);
    const retried = await api(tokens.admin.token, `/tasks/F/retry?project=${project}`, { method: 'POST', body: JSON.stringify({ as: 'dave' }) });
    expect(retried.status).toBe(200);
    const events = await ctx.store.db.selectFrom('task_events').select(['task_id', 'actor', 'credential']).where('project_id', '=', project).where('actor', 'like', 'human:%').orderBy('id').execute();
    expect(events).toEqual([
      { task_id: 'G', actor: 'human:carol', credential: tokens.orchestrator.name },
      { task_id: 'F', actor: 'human:dave', credential: tokens.admin.name },
    ]);
  });

  it.skipIf(!hasChromium)('signs a person in with a token in Chromium, shows only the actions of the role, and signs out', async () => {
    const browser = await launchBrowser();
    const context: BrowserContext = browser.context;
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await ctx.board.nextTask(project, { agent: 'w' });
      await ctx.board.markTaskStatus(project, { task_id: 'F', status: 'failed', agent: 'w', force: true });
      // A worker's token does not open the board.
      await page.goto(`${server.url}/board?project=${project}`);
      await page.locator('input[name="token"]').fill(tokens.worker.token);
      await page.locator('button[type="submit"]').click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toBe(`Token "${tokens.worker.name}" has role worker; the board needs an orchestrator or admin token.`);
      expect((await context.cookies()).filter((c) => c.name === 'tasklane_board')).toEqual([]);

      await page.locator('input[name="token"]').fill(tokens.orchestrator.token);
      await page.locator('button[type="submit"]').click();
      await page.locator('section[data-column="failed"] .card[data-id="F"]').waitFor();
      expect(await page.locator('#who').textContent()).toBe(`${tokens.orchestrator.name} · orchestrator`);
      expect(await page.content()).not.toContain(tokens.orchestrator.token);
      const [cookie] = (await context.cookies()).filter((c) => c.name === 'tasklane_board');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/board' });
      expect(cookie.value).not.toContain(tokens.orchestrator.token);
      expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');

      await page.locator('.card[data-id="F"]').click();
      await page.locator('#detail section.actions').waitFor();
      expect(await page.locator('#detail .buttons button').allTextContents()).toEqual(['Add note', 'Set priority']);
      await page.keyboard.press('Escape');

      await page.locator('#sign-out').click();
      await page.locator('input[name="token"]').waitFor();
      expect((await context.cookies()).filter((c) => c.name === 'tasklane_board')).toEqual([]);
      expect((await page.request.get(`${server.url}/board/api/snapshot?project=${project}`)).status()).toBe(401);

      await page.locator('input[name="token"]').fill(tokens.admin.token);
      await page.locator('button[type="submit"]').click();
      await page.locator('.card[data-id="F"]').click();
      await page.locator('#detail section.actions').waitFor();
      expect(await page.locator('#detail .buttons button').allTextContents()).toEqual(['Add note', 'Retry', 'Cancel task', 'Set priority']);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
