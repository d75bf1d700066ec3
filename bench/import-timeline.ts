// Where an import of a task-breakdown.json spends its time on Postgres, statement by statement: the parse,
// then each statement's start and end (ms from the start of the import; an end is seen once this process
// is free to see it, so a statement whose end waits on node building the next one looks longer), for a
// first import and the same file again. Side by side with another build: run it in that build's checkout.
//   npx tsx bench/import-timeline.ts [tasks=100000]
// Postgres is TASKLANE_BENCH_DATABASE_URL or a fresh database on the local server, dropped after.
import pg from 'pg';
import { TaskBoard } from '../src/tasks/board.js';
import { boardProjects } from '../src/trackers/board-projects.js';
import { parseTrackerBoards } from '../src/trackers/parse-tracker.js';
import { withServerStore } from './databases.js';
import { TRACKER_SAMPLES } from './tracker-files.js';

const N = Number(process.argv[2] ?? 100_000);
const sample = TRACKER_SAMPLES.find((s) => s.format === 'task-breakdown-json' && s.layout === 'pretty')!;
const text = sample.make(N) as string;

let t0: bigint | undefined;
const msSince = (t: bigint) => Number(t - (t0 ?? t)) / 1e6;
const lines: string[] = [];

// Every statement the driver runs, timed from the call to its answer.
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0] as string | { text?: string };
  const statement = (typeof q === 'string' ? q : (q?.text ?? '')).replace(/\s+/g, ' ').trim().slice(0, 80);
  const start = process.hrtime.bigint();
  const answer = query.apply(this, args);
  if (t0 !== undefined && answer instanceof Promise) {
    answer.then(
      () => lines.push(`${msSince(start).toFixed(0).padStart(6)} → ${msSince(process.hrtime.bigint()).toFixed(0).padStart(6)}  ${statement}`),
      () => {},
    );
  }
  return answer;
} as typeof pg.Client.prototype.query;

await withServerStore(4, async (store) => {
  const board = new TaskBoard(store.db, { leaseSeconds: 900, attachLessons: false });
  const project = `timeline-${N}`;
  await board.importBoards(boardProjects('warm-up', parseTrackerBoards(sample.make(1000) as string)), { actor: 'bench' });
  for (const round of ['first import', 'the same file again']) {
    lines.length = 0;
    t0 = process.hrtime.bigint();
    const boards = parseTrackerBoards(text);
    const parsed = msSince(process.hrtime.bigint());
    await board.importBoards(boardProjects(project, boards), { actor: 'bench' });
    const total = msSince(process.hrtime.bigint());
    t0 = undefined;
    console.log(`${round}, ${N} tasks: ${total.toFixed(0)} ms (parse ${parsed.toFixed(0)} ms)`);
    for (const line of lines) console.log(line);
  }
});
