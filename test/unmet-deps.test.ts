import { describe, expect, it } from 'vitest';
import { engines, newProject, recountMismatches, useTestBoard } from './helpers/engines.js';

/** A small seeded generator, so that a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

describe.each(engines)('unmet_deps stays exact on %s', (engine) => {
  const ctx = useTestBoard(engine);

  it.each([1, 2, 3])('after random completes, reopens and dependency edits (seed %i)', async (seed) => {
    const random = rng(seed);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const p = newProject('unmet');
    const n = 30;
    // Dependencies only point to lower numbers, so the graph stays acyclic.
    const tasks = Array.from({ length: n }, (_, i) => ({
      id: `T${i}`,
      description: `task ${i}`,
      dependencies: Array.from({ length: i }, (_, j) => `T${j}`).filter(() => random() < 0.15),
    }));
    await ctx.board.writeTaskList(p, { tasks });
    const statuses = ['completed', 'completed', 'pending', 'failed', 'in_progress', 'review', 'cancelled'];
    for (let step = 0; step < 150; step++) {
      const i = Math.floor(random() * n);
      const roll = random();
      if (roll < 0.65) {
        await ctx.board.markTaskStatus(p, { task_id: `T${i}`, status: pick(statuses), agent: 'w', force: true });
      } else if (roll < 0.9) {
        const deps = Array.from({ length: i }, (_, j) => `T${j}`).filter(() => random() < 0.2);
        await ctx.board.updateTask(p, { task_id: `T${i}`, dependencies: deps });
      } else {
        await ctx.board.nextTask(p, { agent: 'w' });
      }
      if (step % 25 === 0) expect(await recountMismatches(ctx.store, p)).toEqual([]);
    }
    expect(await recountMismatches(ctx.store, p)).toEqual([]);
  });
});
