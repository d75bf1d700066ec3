import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveBoardForTests } from './helpers/board-server.js';
import { ARTIFACTS, hasChromium, launchBrowser } from './helpers/browser.js';
import { newProject, testLessons, useTestBoard } from './helpers/engines.js';

// Skipped only when Debian's chromium is absent; .ci/run installs it, so CI always runs these.
describe.skipIf(!hasChromium)(`the board in a real browser${hasChromium ? '' : ' (skipped: /usr/bin/chromium is not installed)'}`, () => {
  const ctx = useTestBoard('pglite');
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
    context = browser.context;
  });
  afterAll(() => browser?.close());

  /** A page that fails the test on any console error or uncaught exception. */
  async function watchedPage() {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, errors };
  }
  const column = (page: Page, key: string) => page.locator(`section[data-column="${key}"]`);
  const countOf = (page: Page, key: string) => column(page, key).locator('h2 .count');

  it('shows the columns, moves cards live, opens a timeline and retries a failed task', async () => {
    const project = newProject('browser');
    await ctx.board.writeTaskList(project, {
      tasks: [
        { id: 'A', title: 'Invoice schema', description: 'tables', phase: 'Phase 1', priority: 'high' },
        { id: 'B', title: 'PDF renderer', description: 'pdf', phase: 'Phase 1', dependencies: ['A'] },
        { id: 'C', title: 'Billing UI', description: 'ui', phase: 'Phase 2', dependencies: ['B'] },
        { id: 'D', title: 'Docs', description: 'docs', phase: 'Phase 2', priority: 'low' },
        { id: 'E', title: 'Flaky importer', description: 'import', phase: 'Phase 2', priority: 'critical' },
      ],
    });
    await ctx.board.nextTask(project, { agent: 'w0' });
    await ctx.board.markTaskStatus(project, { task_id: 'E', status: 'failed', result: 'parser crashed', agent: 'w0' });
    const server = await serveBoardForTests({ board: ctx.board, defaultProject: project });
    const { page, errors } = await watchedPage();
    try {
      await page.goto(`${server.url}/board?project=${project}`);
      await page.locator('#live.on').waitFor();
      await expect.poll(() => countOf(page, 'ready').textContent()).toBe('2');
      expect(await countOf(page, 'waiting').textContent()).toBe('2');
      expect(await countOf(page, 'failed').textContent()).toBe('1');
      expect(await column(page, 'ready').locator('.card .id').allTextContents()).toEqual(['A', 'D']);
      await page.screenshot({ path: path.join(ARTIFACTS, 'board.png'), fullPage: true });

      // an agent claims and completes A through the engine: the card moves without a reload
      await page.evaluate(() => ((globalThis as any).__sameDocument = true));
      await ctx.board.nextTask(project, { agent: 'w1' });
      await column(page, 'in_progress').locator('.card[data-id="A"]').waitFor();
      await ctx.board.markTaskStatus(project, { task_id: 'A', status: 'done', result: 'tables in place', agent: 'w1' });
      await column(page, 'completed').locator('.card[data-id="A"]').waitFor();
      await column(page, 'ready').locator('.card[data-id="B"]').waitFor();
      expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);

      // the timeline of A
      await column(page, 'completed').locator('.card[data-id="A"]').click();
      const dialog = page.locator('#detail');
      await dialog.locator('.timeline').waitFor();
      const timeline = await dialog.locator('.timeline li').allTextContents();
      expect(timeline.some((l) => l.includes('w1') && l.includes('claimed'))).toBe(true);
      expect(timeline.some((l) => l.includes('in_progress → completed'))).toBe(true);
      expect(await dialog.locator('.result').textContent()).toContain('tables in place');
      expect(await page.locator('body').innerText()).not.toMatch(/\b(undefined|null|false|NaN)\b/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'task-detail.png') });
      await dialog.locator('button.close').click();

      // retry the failed task from the page
      await column(page, 'failed').locator('.card[data-id="E"]').click();
      await dialog.locator('input[name="as"]').fill('alice');
      await dialog.locator('button.retry').click();
      await column(page, 'ready').locator('.card[data-id="E"]').waitFor();
      expect(await countOf(page, 'failed').textContent()).toBe('0');
      const e = await ctx.board.taskDetail(project, 'E');
      expect(e.task.status).toBe('pending');
      expect(e.events.at(-1)).toMatchObject({ actor: 'human:alice', from_status: 'failed', to_status: 'pending' });
      await dialog.locator('button.close').click();

      // the other tabs draw without errors; the graph shows every task
      await page.locator('[data-tab="graph"]').click();
      await page.locator('#graph svg g.node').first().waitFor();
      expect(await page.locator('#graph g.node').count()).toBe(5);
      expect(await page.locator('#tab-graph').innerText()).not.toMatch(/\b(undefined|false)\b/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'graph.png'), fullPage: true });
      await page.locator('[data-tab="progress"]').click();
      await page.locator('#tab-progress table.progress').waitFor();
      await page.locator('[data-tab="agents"]').click();
      await page.locator('#tab-agents h2').first().waitFor();
      await page.locator('[data-tab="lessons"]').click();
      await page.locator('#tab-lessons p.muted').waitFor();
      expect(await page.locator('#tab-lessons').textContent()).toContain('not available');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('[data-tab="board"]').click();
      await page.screenshot({ path: path.join(ARTIFACTS, 'board-phone.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it("lists a task's recorded and relevant lessons in its dialog", async () => {
    const project = newProject('browser-lessons');
    await ctx.board.writeTaskList(project, { tasks: [{ id: 'M', title: 'Migrate the invoices table', description: 'add a currency column' }] });
    const lessons = await testLessons(ctx.store);
    await lessons.record(project, { title: 'Backfill in batches', lesson: 'One UPDATE over the table held its lock for minutes.', tags: ['db'], task_id: 'M' }, 'w2');
    await lessons.record(project, { lesson: 'Run migrations under an advisory lock so replicas do not race.' }, 'w1');
    const server = await serveBoardForTests({ board: ctx.board, lessons, defaultProject: project });
    const { page, errors } = await watchedPage();
    try {
      await page.goto(`${server.url}/board?project=${project}`);
      await column(page, 'ready').locator('.card[data-id="M"]').click();
      const section = page.locator('#detail .lessons');
      await section.locator('li.lesson').first().waitFor();
      const text = await section.innerText();
      expect(text).toMatch(/Recorded on this task \(1\)[\s\S]*Backfill in batches[\s\S]*w2/);
      expect(text).toMatch(/Relevant lessons[\s\S]*Run migrations under an advisory lock/);
      expect(text).not.toMatch(/\b(undefined|null|NaN)\b/);
      await section.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'task-lessons.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it('without the token: asks for it, the API answers 401, and another origin cannot act', async () => {
    const project = newProject('auth');
    await ctx.board.writeTaskList(project, { tasks: [{ id: 'F', description: 'fails' }] });
    await ctx.board.nextTask(project, { agent: 'w' });
    await ctx.board.markTaskStatus(project, { task_id: 'F', status: 'failed', agent: 'w' });
    const token = 'board-test-token-7f3a';
    const server = await serveBoardForTests({ board: ctx.board, defaultProject: project, token });
    const attacker = express().get('/', (_req, res) => res.type('html').send('<!doctype html><title>elsewhere</title>'));
    const other = attacker.listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    const { page, errors } = await watchedPage();
    try {
      await page.goto(`${server.url}/board?project=${project}`);
      await page.locator('input[name="token"]').waitFor();
      expect(await page.content()).not.toContain(token);
      expect((await page.request.get(`${server.url}/board/api/snapshot?project=${project}`)).status()).toBe(401);
      await page.screenshot({ path: path.join(ARTIFACTS, 'login.png') });

      await page.locator('input[name="token"]').fill(token);
      await page.locator('button[type="submit"]').click();
      await page.locator('section[data-column="failed"] .card[data-id="F"]').waitFor();
      expect(await page.content()).not.toContain(token);
      expect((await page.request.get(`${server.url}/board/api/snapshot?project=${project}`)).status()).toBe(200);
      expect(errors).toEqual([]);

      // a page of another origin posts with the session cookie (127.0.0.1 ports are the same site)
      const evil = await context.newPage();
      await evil.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      await evil.evaluate(async (url) => {
        await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' });
      }, `${server.url}/board/api/tasks/F/retry?project=${project}`);
      await evil.close();
      expect((await ctx.board.taskDetail(project, 'F')).task.status).toBe('failed');
    } finally {
      await page.close();
      other.close();
      await server.close();
    }
  });
});
