import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/open.js';
import type { TaskBoard } from '../src/tasks/board.js';
import { DomainError } from '../src/tasks/errors.js';
import { parseTracker } from '../src/trackers/parse-tracker.js';
import { newProject, testBoard } from './helpers/engines.js';
import { boardViolations } from './helpers/invariants.js';

// Graph changes racing with completions (and each other) on one Postgres, through separate boards
// with a pool each, as separate replicas would. Each iteration starts a fresh project, fires the
// racing calls together (each after a random few milliseconds, so that the runs sweep the window
// where one call's reads meet the other's writes), then checks the invariants in SQL.

const url = process.env.TEST_DATABASE_URL;
const ITERATIONS = 150;

type Call = (board: TaskBoard, project: string) => Promise<unknown>;

type Race = {
  /** Brings a fresh project to the state the race starts from. */
  setup: Call;
  /** The racing calls; call k runs on board k. */
  calls: Call[];
  /** The longest random delay before a call starts, in ms. */
  spreadMs: number;
  /** Problems beyond the board's invariants, from the calls' outcomes. */
  check?: (outcomes: PromiseSettledResult<unknown>[]) => string[];
};

/** Seeded, so that a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

const write = (tasks: Array<{ id: string; priority?: number; dependencies?: string[] }>, mode: 'merge' | 'replace' = 'merge'): Call =>
  (board, project) => board.writeTaskList(project, { tasks: tasks.map((t) => ({ description: `task ${t.id}`, ...t })), mode });
const claim: Call = (board, project) => board.nextTask(project, { agent: 'w' });
const complete = (taskId: string): Call => (board, project) => board.markTaskStatus(project, { task_id: taskId, status: 'completed', agent: 'w' });
const setDependencies = (taskId: string, dependencies: string[]): Call => (board, project) => board.updateTask(project, { task_id: taskId, dependencies });
const inOrder = (...calls: Call[]): Call => async (board, project) => {
  for (const call of calls) await call(board, project);
};
/** A worker's turn: claim the next task, complete it. */
const claimAndComplete: Call = async (board, project) => {
  const next = await board.nextTask(project, { agent: 'w' });
  if (next.task) await board.markTaskStatus(project, { task_id: next.task.id, status: 'completed', agent: 'w' });
};

/** A database error (anything but a domain error) must never reach the caller. */
function leakedErrors(outcomes: PromiseSettledResult<unknown>[]): string[] {
  return outcomes.flatMap((o) => {
    if (o.status === 'fulfilled' || o.reason instanceof DomainError) return [];
    const err = o.reason as { code?: string; message?: string };
    return [`a database error reached the caller: ${err.code ?? ''} ${err.message ?? String(err)}`];
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!url)('races on one Postgres (needs TEST_DATABASE_URL: PGlite serializes every call, so a race cannot happen there)', () => {
  const stores: Store[] = [];
  const boards: TaskBoard[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const store = await openStore(url!, { poolMax: 4 });
      stores.push(store);
      boards.push(testBoard(store));
    }
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  /** Runs a race ITERATIONS times; returns how many iterations broke something, with a few examples. */
  async function run(label: string, race: Race, seed: number) {
    const random = rng(seed);
    let violated = 0;
    const examples: string[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const project = newProject(label);
      await race.setup(boards[0], project);
      const outcomes = await Promise.allSettled(
        race.calls.map(async (call, k) => {
          const delay = Math.floor(random() * (race.spreadMs + 1));
          if (delay > 0) await sleep(delay);
          return call(boards[k], project);
        }),
      );
      const problems = [...(await boardViolations(stores[0], project)), ...leakedErrors(outcomes), ...(race.check?.(outcomes) ?? [])];
      if (problems.length === 0) continue;
      violated++;
      if (examples.length < 3) examples.push(`${project}: ${problems.join('; ')}`);
    }
    process.stderr.write(`race ${label}: ${violated}/${ITERATIONS} iterations broke an invariant\n`);
    return { violated, examples };
  }

  it('add-dependency vs complete: the dependent counts the completion exactly once', async () => {
    const result = await run('add-dep', {
      setup: inOrder(write([{ id: 'A', priority: 1 }, { id: 'B', priority: 2 }]), claim),
      calls: [setDependencies('B', ['A']), complete('A')],
      spreadMs: 6,
    }, 1);
    expect(result).toEqual({ violated: 0, examples: [] });
  });

  it('remove-dependency vs complete: the dependent stays blocked by its other dependency', async () => {
    const result = await run('remove-dep', {
      setup: inOrder(write([{ id: 'A', priority: 1 }, { id: 'C', priority: 5 }, { id: 'B', dependencies: ['A', 'C'] }]), claim),
      calls: [setDependencies('B', ['C']), complete('A')],
      spreadMs: 6,
    }, 2);
    expect(result).toEqual({ violated: 0, examples: [] });
  });

  it('remove-dependency vs reopen (the general path): the dependent does not count the reopened task', async () => {
    const reopen: Call = (board, project) => board.markTaskStatus(project, { task_id: 'A', status: 'pending', agent: 'w', force: true });
    const result = await run('reopen', {
      setup: inOrder(write([{ id: 'A', priority: 1 }, { id: 'B', dependencies: ['A'] }]), claim, complete('A')),
      calls: [setDependencies('B', []), reopen],
      spreadMs: 6,
    }, 7);
    expect(result).toEqual({ violated: 0, examples: [] });
  });

  it('three concurrent update_task calls X→Y, Y→Z, Z→X: one is refused, no cycle is stored', async () => {
    const result = await run('cycle', {
      setup: write([{ id: 'X' }, { id: 'Y' }, { id: 'Z' }]),
      calls: [setDependencies('X', ['Y']), setDependencies('Y', ['Z']), setDependencies('Z', ['X'])],
      spreadMs: 4,
      check: (outcomes) => {
        const refused = outcomes.filter((o) => o.status === 'rejected' && (o.reason as DomainError).code === 'dependency_cycle').length;
        return refused === 1 ? [] : [`${refused} of the three edits refused as a cycle, not 1`];
      },
    }, 3);
    expect(result).toEqual({ violated: 0, examples: [] });
  });

  it('two write_task_list merges adding the same new id: both succeed, as one after the other', async () => {
    const result = await run('merge', {
      setup: write([{ id: 'A' }]),
      calls: [write([{ id: 'N', dependencies: ['A'] }]), write([{ id: 'N', dependencies: ['A'] }])],
      spreadMs: 3,
      check: (outcomes) => (outcomes.every((o) => o.status === 'fulfilled') ? [] : ['a merge was refused']),
    }, 4);
    expect(result).toEqual({ violated: 0, examples: [] });
  });

  it('replace-mode write vs claim and complete: the new dependency and the completion both count', async () => {
    const result = await run('replace', {
      setup: write([{ id: 'A', priority: 1 }, { id: 'B', priority: 2 }, { id: 'R', priority: 5 }]),
      calls: [write([{ id: 'A', priority: 1 }, { id: 'B', priority: 2, dependencies: ['A'] }, { id: 'N', priority: 9 }], 'replace'), claimAndComplete],
      spreadMs: 8,
    }, 5);
    expect(result).toEqual({ violated: 0, examples: [] });
  });

  it('import vs complete: the imported dependency and the completion both count', async () => {
    const file = JSON.stringify({ tasks: [{ id: 'A', description: 'task A' }, { id: 'B', description: 'task B', dependencies: ['A'] }, { id: 'C', description: 'task C' }] });
    const result = await run('import', {
      setup: inOrder(write([{ id: 'A', priority: 1 }, { id: 'B', priority: 2 }]), claim),
      calls: [(board, project) => board.importTasks(project, parseTracker(file, 'task-breakdown-json')), complete('A')],
      spreadMs: 8,
    }, 6);
    expect(result).toEqual({ violated: 0, examples: [] });
  });
});
