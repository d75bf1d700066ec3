import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedFolder, stopBoardHost } from './helpers/folders.js';
import { initialize, rawStdio, toolCall } from './helpers/raw-stdio.js';

type Mode = 'direct pglite' | 'board host' | 'postgres';
const modes: Mode[] = ['direct pglite', 'board host', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

describe.each(modes)('stdio framing (%s)', (mode) => {
  let folder: Awaited<ReturnType<typeof preparedFolder>> | undefined;
  const env = (project: string): Record<string, string> => ({
    TASKLANE_PROJECT: project,
    TASKLANE_MAX_MESSAGE_BYTES: String(1024 * 1024),
    ...(mode === 'postgres'
      ? { TASKLANE_DATABASE_URL: process.env.TEST_DATABASE_URL! }
      : { TASKLANE_DATABASE_URL: folder!.folder, TASKLANE_BOARD_HOST: mode === 'board host' ? 'on' : 'off' }),
  });
  beforeAll(async () => {
    if (mode !== 'postgres') folder = await preparedFolder('framing');
  });
  afterAll(() => {
    if (folder) stopBoardHost(folder.folder);
    folder?.remove();
  });

  it('answers every request of a burst written before initialize is answered, then those after stdin closes', async () => {
    const project = `burst-${mode.replace(' ', '-')}-${Date.now()}`;
    const p = rawStdio(env(project));
    const tasks = Array.from({ length: 20 }, (_, i) => ({ id: `B${i}`, description: `burst ${i}` }));
    await p.write(initialize(1) + toolCall(2, 'write_task_list', { tasks }));
    for (const id of [1, 2]) expect((await p.answer(id)).error, `answer ${id}`).toBeUndefined();
    await p.write(Array.from({ length: 20 }, (_, i) => toolCall(3 + i, 'get_next_task', { agent: `w${i}` })).join(''));
    for (let id = 3; id <= 22; id++) expect((await p.answer(id)).error, `answer ${id}`).toBeUndefined();
    const claimed = Array.from({ length: 20 }, (_, i) => (p.lines.find((l) => l.id === 3 + i)!.result!.structuredContent as { task: { id: string } }).task.id);
    // A second burst, then EOF at once: every answer still arrives before the process exits.
    await p.write(claimed.map((task, i) => toolCall(100 + i, 'mark_task_status', { task_id: task, status: 'completed', agent: `w${i}` })).join('') + toolCall(200, 'read_task_breakdown', {}));
    p.end();
    expect(await p.exited).toBe(0);
    for (let id = 100; id < 120; id++) {
      const r = p.lines.find((l) => l.id === id)?.result;
      expect(r?.isError, `answer ${id}: ${JSON.stringify(r)}`).toBeFalsy();
    }
    // Requests of one burst run concurrently on Postgres: the read is answered, but may see some completions still in flight.
    expect(p.lines.find((l) => l.id === 200)?.result?.structuredContent).toMatchObject({ total_tasks: 20 });
    expect(p.stderr()).not.toMatch(/destroyed|internal_error/);
    // Every completion acknowledged before EOF is stored.
    const after = rawStdio(env(project));
    await after.write(initialize(1) + toolCall(2, 'read_task_breakdown', {}));
    expect((await after.answer(2)).result?.structuredContent).toMatchObject({ total_tasks: 20, completed_count: 20 });
    after.end();
    expect(await after.exited).toBe(0);
  });

  it('answers a message over the limit with an error naming the limit, and goes on serving', async () => {
    const p = rawStdio(env(`big-${Date.now()}`));
    await p.write(initialize(1));
    await p.answer(1);
    const huge = toolCall(7, 'write_task_list', { tasks: [{ id: 'H1', description: 'x'.repeat(3 * 1024 * 1024) }] });
    await p.write(huge);
    const refused = await p.answer(7);
    expect(refused.error?.message).toMatch(/over the limit of 1048576 bytes \(TASKLANE_MAX_MESSAGE_BYTES\)/);
    await p.write(toolCall(8, 'read_task_breakdown', {}));
    expect((await p.answer(8)).result).toMatchObject({ structuredContent: { total_tasks: 0 } });
    p.end();
    expect(await p.exited).toBe(0);
  });

  it('answers a malformed line with -32700 and id null, and goes on serving', async () => {
    const p = rawStdio(env(`malformed-${Date.now()}`));
    await p.write(initialize(1));
    await p.answer(1);
    await p.write('{"jsonrpc":"2.0","id":5,"method":\n');
    await p.answer(null);
    expect(p.lines.find((l) => l.id === null)?.error?.code).toBe(-32700);
    await p.write(toolCall(6, 'read_task_breakdown', {}));
    expect((await p.answer(6)).result).toMatchObject({ structuredContent: { total_tasks: 0 } });
    p.end();
    expect(await p.exited).toBe(0);
  });
});
