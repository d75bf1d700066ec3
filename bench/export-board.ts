// npx tsx bench/export-board.ts URL PROJECT N: a board of N tasks for timing `tasklane export` (the SQL of
// bench/scale.ts, with modules, and a status change on every 50th task, a note on every 100th). unmet_deps
// is left at 0: an export does not need readiness, and the counting update takes over 15 min at 1M tasks.
import { sql } from 'kysely';
import { openStore } from '../src/db/open.js';
import { migrateToLatest } from '../src/db/migrate.js';
const [url, project, nText] = process.argv.slice(2);
const n = Number(nText);
const store = await openStore(url, { poolMax: 2 });
const db = store.db;
await migrateToLatest(db, {});
await sql`insert into projects (id, name) values (${project}, ${project})`.execute(db);
await sql`select setseed(0.17)`.execute(db);
for (let from = 1; from <= n; from += 250_000) {
  const to = Math.min(n, from + 249_999);
  await sql`
    insert into tasks (project_id, id, description, phase, module, priority)
    select ${project}, 'T' || i, 'bench task ' || i, 'P' || (i / 10000), case when i % 3 = 0 then null else 'M' || (i % 7) end, 1 + (i::bigint * 7919) % 5 from generate_series(${from}::int, ${to}::int) i`.execute(db);
  await sql`
    insert into task_dependencies (project_id, task_id, depends_on)
    select ${project}, 'T' || i, 'T' || (1 + floor(random() * (i - 1)))::int from generate_series(greatest(${from}::int, 2), ${to}::int) i, generate_series(1, i % 4) k
    on conflict do nothing`.execute(db);
  console.error('rows to', to);
}
// a status change with a note on every 50th task
await sql`insert into task_events (project_id, task_id, at, actor, kind, from_status, to_status, note)
  select ${project}, 'T' || i, now() - make_interval(secs => ${n} - i), 'w' || (i % 4), 'status', 'pending', 'in_progress', case when i % 100 = 0 then 'note ' || i end
  from generate_series(50, ${n}, 50) i`.execute(db);
await sql`vacuum analyze tasks`.execute(db);
await sql`vacuum analyze task_dependencies`.execute(db);
await sql`vacuum analyze task_events`.execute(db);
await store.close();
console.error('done', project, n);
