// npm run bench:scale [-- --sizes=1000,100000 --pglite=1000,10000,100000 --export --import-only --claim-rounds=N --vacuum-rounds]
// Issue 17's table: the cost of the agent calls on one project of 1k tasks beside one of 100k (and 1M),
// on the local Postgres and on PGlite. Boards are generated in bulk SQL (a seeded random DAG: task i
// depends on i % 4 earlier tasks); imports are timed through the engine's import path.
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import type { Store } from '../src/db/open.js';
import { TaskBoard } from '../src/tasks/board.js';
import { EXPORT_FORMATS } from '../src/trackers/export-tracker.js';
import type { ImportInput } from '../src/tasks/import-tasks.js';
import { withPgliteStore, withServerStore } from './databases.js';
import { engineCycle } from './engine-cycles.js';
import { describeMachine } from './machine.js';
import { runRound } from './cycle-runner.js';
import { pgbenchAvailable, pgbenchRound } from './pgbench-run.js';
import { elapsedMs, round, summarise } from './stats.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const sizesOf = (text: string) => text.split(',').filter(Boolean).map(Number);
const SERVER_SIZES = sizesOf(arg('sizes', '1000,100000'));
const PGLITE_SIZES = sizesOf(arg('pglite', '1000,10000,100000'));
const IMPORT_MAX = Number(arg('import-max', '100000'));
const REPEAT = Number(arg('repeat', '30'));
const EXPORT = process.argv.includes('--export');
/** Only the import of the largest size (no board generated, no calls timed). */
const IMPORT_ONLY = process.argv.includes('--import-only');
/** Claim+complete of every size again, in this many alternating rounds (0: none). */
const CLAIM_ROUNDS = Number(arg('claim-rounds', '0'));
/**
 * `--vacuum-rounds`: VACUUM the tasks before each claim round. Every claim leaves a dead entry at the head
 * of the ready index, which later claims step over until a vacuum; the small boards are made anew each
 * round while the big one serves every round, so without it the big board's rounds pay for the history
 * of all the rounds before them (this machine's server runs with autovacuum off).
 */
const VACUUM_ROUNDS = process.argv.includes('--vacuum-rounds');
const PGLITE_VERSION = '0.5.14';

type Row = Record<string, number | string>;

/** n tasks in one statement each for tasks and links; unmet_deps counted in a third. */
/** `tidy`: VACUUM the tables after (the rounds' small boards skip it: a VACUUM of the whole table between rounds evicts the big board's pages). */
async function generateBoard(store: Store, project: string, n: number, tidy = true) {
  const db = store.db;
  await sql`insert into projects (id, name) values (${project}, ${project})`.execute(db);
  await sql`select setseed(0.17)`.execute(db);
  for (let from = 1; from <= n; from += 250_000) {
    const to = Math.min(n, from + 249_999);
    await sql`
      insert into tasks (project_id, id, description, phase, priority)
      select ${project}, 'T' || i, 'bench task ' || i, 'P' || (i / 10000), 1 + (i::bigint * 7919) % 5 from generate_series(${from}::int, ${to}::int) i`.execute(db);
    await sql`
      insert into task_dependencies (project_id, task_id, depends_on)
      select ${project}, 'T' || i, 'T' || (1 + floor(random() * (i - 1)))::int from generate_series(greatest(${from}::int, 2), ${to}::int) i, generate_series(1, i % 4) k
      on conflict do nothing`.execute(db);
  }
  await sql`analyze tasks`.execute(db);
  await sql`analyze task_dependencies`.execute(db);
  await sql`
    update tasks t set unmet_deps = c.n, count_flip = not count_flip from (
      select task_id, count(*)::int as n from task_dependencies where project_id = ${project} group by 1) c
    where t.project_id = ${project} and t.id = c.task_id`.execute(db);
  await recountProject(store, project, tidy);
  if (!tidy) return;
  await sql`vacuum analyze tasks`.execute(db).catch(() => sql`analyze tasks`.execute(db));
  await sql`vacuum analyze task_dependencies`.execute(db).catch(() => sql`analyze task_dependencies`.execute(db));
}

/**
 * The bench's own bulk updates move the count keys of up to 750k tasks in one statement, which the
 * engine never does (it moves them a few at a time, or a write's changed tasks). They flip count_flip,
 * as a statement that counts itself does, and the project's counts are then made again from its tasks:
 * the per-row trigger would otherwise append two deltas a row (migrations/0010_self_counted_moves.ts).
 */
async function recountProject(store: Store, project: string, tidy = true) {
  await sql`delete from task_counts where project_id = ${project}`.execute(store.db);
  await sql`
    insert into task_counts (project_id, phase, status, ready, n)
    select project_id, phase, status, status = 'pending' and unmet_deps = 0, count(*) from tasks where project_id = ${project} group by 1, 2, 3, 4`.execute(store.db);
  if (tidy) await sql`vacuum analyze task_counts`.execute(store.db).catch(() => sql`analyze task_counts`.execute(store.db));
}

/** Claims on a throwaway board first, so that the first size measured does not pay the warm-up (JIT, PGlite's WASM tier-up, caches). */
async function warmUp(store: Store, engine: string, workers: number) {
  const project = `warmup-${engine}-${Date.now()}`;
  const board = new TaskBoard(store.db, { leaseSeconds: 900, attachLessons: false });
  await board.writeTaskList(project, { tasks: Array.from({ length: 1500 }, (_, i) => ({ id: `W${i}`, description: `warm-up ${i}` })) });
  await runRound(engineCycle(store, project, { attachLessons: false }), workers, 0, 1000);
}

async function timed(times: number, call: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = process.hrtime.bigint();
    await call(i);
    samples.push(elapsedMs(t0));
  }
  return summarise(samples).p50_ms;
}

async function measureSize(store: Store, engine: string, n: number, workers: number): Promise<Row> {
  const project = `scale-${engine}-${n}-${Date.now()}`;
  const board = new TaskBoard(store.db, { leaseSeconds: 900, attachLessons: false });
  const t0 = process.hrtime.bigint();
  await generateBoard(store, project, n);
  const generated = elapsedMs(t0) / 1000;
  const row: Row = { engine, tasks: n, generate_s: round(generated, 1) };

  const cycles = Number(arg('cycles', '400'));
  const round1 = await runRound(engineCycle(store, project, { attachLessons: false }), workers, Number(arg('warmup', '200')), cycles);
  row.cycles_per_s = round(round1.cycles / round1.seconds, 0);

  row.one_task_write_ms = await timed(REPEAT, (i) =>
    board.writeTaskList(project, { tasks: [{ id: `NEW${i}`, description: 'one more', dependencies: [`T${1 + ((i * 7907) % n)}`, `T${1 + ((i * 104_729) % n)}`] }] }));
  // A dependency added to one of the newest tasks (few tasks depend on it) on an older one.
  row.add_dependency_ms = await timed(REPEAT, (i) =>
    board.updateTask(project, { task_id: `T${n - 1 - i}`, dependencies: [`T${1 + ((i * 7919) % (n - 1000 > 0 ? n - 1000 : 1))}`] }));
  row.first_page_ms = await timed(REPEAT, () => board.readTaskBreakdown(project));
  row.first_page_pending_ms = await timed(REPEAT, () => board.readTaskBreakdown(project, { status: 'pending' }));
  row.first_page_ready_ms = await timed(REPEAT, () => board.readTaskBreakdown(project, { status: 'ready' }));

  // Nothing ready: every ready task fails, so the rest is a deadlock behind them.
  await sql`update tasks set status = 'failed', count_flip = not count_flip where project_id = ${project} and status = 'pending' and unmet_deps = 0`.execute(store.db);
  await recountProject(store, project);
  // One statement failed a quarter of the board at once: until a vacuum (autovacuum's, after such a
  // change), the ready index keeps an entry for each of those rows, which every claim walks through
  // (~100 ms at 1M; a board that deadlocks one failure at a time has no such pile).
  await sql`vacuum analyze tasks`.execute(store.db).catch(() => sql`analyze tasks`.execute(store.db));
  const empty = await board.nextTask(project, { agent: 'w' });
  if (empty.task) throw new Error('expected an empty claim');
  row.empty_claim_ms = await timed(REPEAT, () => board.nextTask(project, { agent: 'w' }));
  return row;
}

/** A tracker of m tasks imported into a fresh project, then the same again (nothing changes). */
async function measureImport(store: Store, engine: string, m: number): Promise<Row> {
  const board = new TaskBoard(store.db, { leaseSeconds: 900, attachLessons: false });
  const project = `import-${engine}-${m}-${Date.now()}`;
  const tasks = Array.from({ length: m }, (_, i) => ({
    id: `I${i}`, description: `imported task ${i}`, phase: `P${Math.floor(i / 1000)}`, status: i % 5 === 0 ? 'completed' : 'pending',
    dependencies: Array.from({ length: Math.min(i, i % 3) }, (_, k) => `I${(i * 31 + k * 17) % i}`).filter((d, k, all) => all.indexOf(d) === k),
  }));
  const input: ImportInput = { format: 'task-breakdown-json', tasks, lines: new Map(), skipped: [] };
  const t0 = process.hrtime.bigint();
  const first = await board.importTasks(project, input);
  const firstMs = elapsedMs(t0);
  const t1 = process.hrtime.bigint();
  const again = await board.importTasks(project, input);
  const againMs = elapsedMs(t1);
  if (first.created !== m || again.unchanged !== m) throw new Error(`import: ${JSON.stringify({ first: first.created, again: again.unchanged })}`);
  return { engine, import_tasks: m, import_per_s: round(m / (firstMs / 1000), 0), reimport_ratio: round(againMs / firstMs, 2) };
}

/**
 * Claim+complete rates of every size in alternating rounds (`--claim-rounds=N`), so that each size meets
 * the same machine: one round of a single size lasts under a second, and a quiet 2-core machine still
 * swings by a third between such windows. A small board is made anew when a round would empty it. With
 * pgbench on the machine, the same rounds run the bare SQL of a cycle (bench/pgbench-script.ts) on
 * boards of the same sizes: the database's own ratio between the sizes, the peer for the engine's.
 */
async function claimRounds(store: Store, url: string | undefined, engine: string, sizes: number[], workers: number, rounds: number): Promise<Row> {
  const warmup = 100;
  const cycles = Number(arg('cycles', '400'));
  const boards = new Map<number, { project: string; left: number }>();
  /** A board of n tasks with a round's worth of ready work left (a small one made anew when it runs low). */
  const boardOf = async (n: number) => {
    let board = boards.get(n);
    if (!board || board.left < warmup + cycles + 50) {
      const project = `rounds-${engine}-${n}-${Date.now()}`;
      await generateBoard(store, project, n, n > 100_000);
      board = { project, left: Math.floor(n * 0.6) };
      boards.set(n, board);
    }
    board.left -= warmup + cycles;
    return board.project;
  };
  const peers = url && (await pgbenchAvailable()) ? ['engine', 'pgbench'] : ['engine'];
  const rates = new Map<string, number[]>(sizes.flatMap((n) => peers.map((peer) => [`${peer}_${n}`, []])));
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 ? [...sizes].reverse() : sizes) {
      for (const peer of peers) {
        const project = await boardOf(n);
        if (VACUUM_ROUNDS) await sql`vacuum tasks`.execute(store.db);
        const result = peer === 'engine'
          ? await runRound(engineCycle(store, project, { attachLessons: false }), workers, warmup, cycles)
          : await pgbenchRound(url!, project, workers, warmup, cycles);
        rates.get(`${peer}_${n}`)!.push(round(result.cycles / result.seconds, 0));
      }
    }
  }
  // The first two rounds warm the caches up (the big board was just written): counted out of the medians.
  const median = (xs: number[]) => [...xs.slice(2)].sort((a, b) => a - b)[Math.floor((xs.length - 2) / 2)];
  const [smallest, ...rest] = sizes;
  return {
    engine, claim_rounds: rounds, vacuum_rounds: String(VACUUM_ROUNDS),
    ...Object.fromEntries([...rates].map(([key, xs]) => [key, xs.join(' ')])),
    ...Object.fromEntries(rest.flatMap((n) => peers.map((peer) => [`${peer}_median_${n}_vs_${smallest}`, round(median(rates.get(`${peer}_${n}`)!) / median(rates.get(`${peer}_${smallest}`)!), 2)]))),
  };
}

/** The export of a project in a process of its own, so that its peak memory is its own. */
function measureExport(url: string, project: string, format: string): Row {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/scale-export.ts', url, project, format], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) return { export_format: format, export_error: (child.stderr || 'failed').slice(-300) };
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

async function main() {
  const machine = await describeMachine(process.env.TASKLANE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', PGLITE_VERSION);
  console.log(JSON.stringify({ machine, load: (await import('node:os')).loadavg() }));
  const rows: Row[] = [];
  if (SERVER_SIZES.length) {
    await withServerStore(20, async (store, url) => {
      if (!IMPORT_ONLY) await warmUp(store, 'postgres', 16);
      for (const n of IMPORT_ONLY ? [] : SERVER_SIZES) {
        rows.push(await measureSize(store, 'postgres', n, 16));
        console.log(JSON.stringify(rows.at(-1)));
      }
      if (CLAIM_ROUNDS && !IMPORT_ONLY) {
        rows.push(await claimRounds(store, url, 'postgres', SERVER_SIZES, 16, CLAIM_ROUNDS));
        console.log(JSON.stringify(rows.at(-1)));
      }
      rows.push(await measureImport(store, 'postgres', Math.min(IMPORT_MAX, Math.max(...SERVER_SIZES))));
      console.log(JSON.stringify(rows.at(-1)));
      if (EXPORT) {
        const biggest = Math.max(...SERVER_SIZES);
        const { rows: found } = await sql<{ id: string }>`select id from projects where id like ${`scale-postgres-${biggest}-%`}`.execute(store.db);
        for (const format of EXPORT_FORMATS) {
          rows.push({ tasks: biggest, ...measureExport(url, found[0].id, format) });
          console.log(JSON.stringify(rows.at(-1)));
        }
      }
    });
  }
  if (PGLITE_SIZES.length) {
    await withPgliteStore(async (store) => {
      if (!IMPORT_ONLY) await warmUp(store, 'pglite', 4);
      for (const n of IMPORT_ONLY ? [] : PGLITE_SIZES) {
        rows.push(await measureSize(store, 'pglite', n, 4));
        console.log(JSON.stringify(rows.at(-1)));
      }
      rows.push(await measureImport(store, 'pglite', Math.min(IMPORT_MAX, Math.max(...PGLITE_SIZES))));
      console.log(JSON.stringify(rows.at(-1)));
    });
  }
  console.table(rows);
}

await main();
