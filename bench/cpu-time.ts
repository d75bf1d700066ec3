import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema.js';

/** Linux's clock ticks per second for /proc/<pid>/stat (getconf CLK_TCK). */
const TICKS = 100;

/**
 * utime + stime of a process from /proc/<pid>/stat, in ms; undefined for a process that ended or is not
 * on this machine (Linux only).
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  try {
    // Fields after the command name (which may hold spaces and parentheses): utime is the 12th, stime the 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by this process and by the server backends of this database (Linux). */
export async function cpuSeconds(db: Kysely<Database>): Promise<{ node: number; postgres: number }> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  // A backend that ended meanwhile, or a server on another machine, is not counted.
  const ms = rows.reduce((sum, { pid }) => sum + (processCpuMs(pid) ?? 0), 0);
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1e6, postgres: ms / 1000 };
}
