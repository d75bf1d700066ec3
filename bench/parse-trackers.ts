/**
 * Parsing time of every tracker format at 5k, 10k, 20k and 100k tasks, pretty-printed and on one
 * line where the format has both: `npm run bench:parse -- [--sizes 5000,10000,20000,100000] [--only taskmaster]`.
 * The figure that matters is CPU µs a task: flat across sizes means linear in the file's size.
 */
import { parseArgs } from 'node:util';
import { parseBacklogFiles } from '../src/trackers/parse-backlog-md.js';
import { parseTrackerBoards } from '../src/trackers/parse-tracker.js';
import type { ParsedTracker } from '../src/trackers/types.js';
import { TRACKER_SAMPLES, type TrackerSample } from './tracker-files.js';

/** Parses a sample as the CLI would: a folder's files, or a text whose format is detected. */
export function parseSample(sample: TrackerSample, made: ReturnType<TrackerSample['make']>): ParsedTracker[] {
  return typeof made === 'string' ? parseTrackerBoards(made) : [parseBacklogFiles(made)];
}

/**
 * The fastest of `runs` parses: wall time, and the CPU time of this process (user + system, GC
 * threads included), which other work on a shared machine moves far less than it moves the wall clock.
 */
export function timeParse(sample: TrackerSample, made: ReturnType<TrackerSample['make']>, runs: number): { ms: number; cpuMs: number; tasks: number } {
  let ms = Infinity;
  let cpuMs = Infinity;
  let tasks = 0;
  for (let r = 0; r < runs; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const boards = parseSample(sample, made);
    ms = Math.min(ms, performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
    tasks = boards.reduce((n, b) => n + b.tasks.length, 0);
  }
  return { ms, cpuMs, tasks };
}

async function main() {
  const { values } = parseArgs({ options: { sizes: { type: 'string' }, only: { type: 'string' }, runs: { type: 'string' } } });
  const sizes = (values.sizes ?? '5000,10000,20000,100000').split(',').map(Number);
  const runs = Number(values.runs ?? 3);
  const samples = TRACKER_SAMPLES.filter((s) => !values.only || `${s.format} ${s.label}`.toLowerCase().includes(values.only.toLowerCase()));
  process.stdout.write(`| format | layout | ${sizes.map((n) => `${n / 1000}k: wall ms (CPU µs a task)`).join(' | ')} | CPU a task, largest/smallest |\n`);
  process.stdout.write(`|---|---|${sizes.map(() => '---').join('|')}|---|\n`);
  for (const sample of samples) {
    const perTask: number[] = [];
    const cells: string[] = [];
    timeParse(sample, sample.make(1000), 2); // warm the JIT
    for (const n of sizes) {
      const made = sample.make(n);
      const { ms, cpuMs, tasks } = timeParse(sample, made, n >= 100_000 ? 1 : runs);
      if (tasks !== n) throw new Error(`${sample.label} (${sample.layout}) at ${n}: parsed ${tasks} tasks`);
      perTask.push((cpuMs * 1000) / n);
      cells.push(`${Math.round(ms)} (${perTask.at(-1)!.toFixed(1)})`);
    }
    const ratio = perTask.at(-1)! / perTask[0];
    process.stdout.write(`| ${sample.label} | ${sample.layout} | ${cells.join(' | ')} | ${ratio.toFixed(2)}× |\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
