import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema.js';

/** Linux's clock ticks per second for /proc/<pid>/stat (getconf CLK_TCK). */
const TICKS = 100;

/** CPU seconds used so far by this process and by the server backends of this database (Linux). */
export async function cpuSeconds(db: Kysely<Database>): Promise<{ node: number; postgres: number }> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      // Fields after the command name: state is the 1st, utime the 12th and stime the 13th.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A backend that ended meanwhile, or a server on another machine: not counted.
    }
  }
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1e6, postgres: ticks / TICKS };
}
