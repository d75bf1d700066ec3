import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RoundResult } from './cycle-runner.js';
import { pgbenchScript } from './pgbench-script.js';

const run = promisify(execFile);
export const PGBENCH = process.env.TASKLANE_BENCH_PGBENCH ?? '/usr/bin/pgbench';

/**
 * One pgbench round: a warm-up run, then a measured run of `measure` cycles over `clients` clients
 * (-t per client, so a small graph never runs dry). Latencies come from pgbench's per-transaction log.
 */
export async function pgbenchRound(url: string, project: string, clients: number, warmup: number, measure: number): Promise<RoundResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-pgbench-'));
  try {
    const script = path.join(dir, 'cycle.sql');
    fs.writeFileSync(script, pgbenchScript(project));
    const base = ['-n', '-M', 'prepared', '-f', script, '-c', String(clients), '-j', String(clients)];
    if (warmup >= clients) await pgbench([...base, '-t', String(Math.floor(warmup / clients)), url]);
    const perClient = Math.max(1, Math.floor(measure / clients));
    const out = await pgbench([...base, '-t', String(perClient), '-l', '--log-prefix', path.join(dir, 'log'), url]);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1]);
    const latenciesMs = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('log.'))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
      .map((line) => Number(line.split(' ')[2]) / 1000);
    if (!Number.isFinite(tps) || latenciesMs.length !== perClient * clients) {
      throw new Error(`pgbench did not finish every cycle (${latenciesMs.length} of ${perClient * clients}):\n${out}`);
    }
    return { cycles: latenciesMs.length, seconds: latenciesMs.length / tps, latenciesMs, emptyClaims: 0 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function pgbench(args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(PGBENCH, args, { maxBuffer: 64 * 1024 * 1024 });
    if (/aborted|error/i.test(stderr)) throw new Error(stderr);
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`pgbench failed: ${e.stderr || e.message}\n${e.stdout ?? ''}`);
  }
}

export async function pgbenchAvailable(): Promise<boolean> {
  try {
    await run(PGBENCH, ['--version']);
    return true;
  } catch {
    return false;
  }
}
