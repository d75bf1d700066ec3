import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import { actingCredential } from './acting-credential.js';
import { compiledOnce } from './compiled-once.js';
import { linkColumns, viewedColumns } from './dependencies.js';
import { changeNotice } from './notify.js';
import type { Db, ViewedTaskRow } from './schema.js';

export type NextTaskFilter = {
  phase?: string;
  module?: string;
  tags?: string[];
  /** Ignore dependencies: any pending task qualifies. */
  skipDependencies?: boolean;
};

/** A task as handed out: its row, its links, and whether any lesson could bear on it. */
export type HandedOutRow = ViewedTaskRow & { dependencies: string[]; blocks: string[]; has_lessons: boolean };

export type ClaimOptions = {
  agent: string | null;
  /** The call's own lease; else the project's setting; else serverLeaseSeconds. */
  leaseSeconds?: number;
  serverLeaseSeconds: number;
  /** Postgres replicas: announce the claim with pg_notify from this origin. */
  notifyOrigin?: string;
};

/** What decides the text of a ready-task query: which filters it has and whether it locks. */
type CandidateShape = { phase: boolean; module: boolean; tags: boolean; dependencies: boolean; lock: boolean };
type CandidateValues = { projectId: string; phase: string | undefined; module: string | undefined; tags: string[] | undefined };

const candidateShape = (filter: NextTaskFilter, lock: boolean): CandidateShape => ({
  phase: Boolean(filter.phase), module: Boolean(filter.module), tags: Boolean(filter.tags?.length), dependencies: !filter.skipDependencies, lock,
});
const candidateValues = (projectId: string, filter: NextTaskFilter): CandidateValues => ({ projectId, phase: filter.phase, module: filter.module, tags: filter.tags });

function readyCandidates(shape: CandidateShape, v: CandidateValues): RawBuilder<unknown> {
  const conditions = [sql`project_id = ${v.projectId}`, sql`status = 'pending'`];
  if (shape.dependencies) conditions.push(sql`unmet_deps = 0`);
  if (shape.phase) conditions.push(sql`phase = ${v.phase}`);
  if (shape.module) conditions.push(sql`module = ${v.module}`);
  if (shape.tags) conditions.push(sql`tags && ${v.tags}::text[]`);
  return sql`select id from tasks where ${sql.join(conditions, sql` and `)}
    order by priority, seq limit 1 ${shape.lock ? sql`for update skip locked` : sql``}`;
}

/** The columns a handed-out task carries beside its row; `t` is the task. */
function handOutColumns(t: string): RawBuilder<unknown> {
  const task = sql.ref(t);
  return sql`${linkColumns(t)},
    (exists (select 1 from lessons l where l.project_id = ${task}.project_id) or exists (select 1 from lessons l where l.project_id is null)) as has_lessons`;
}

type ClaimValues = CandidateValues & {
  leaseSeconds: number | null;
  serverLeaseSeconds: number;
  agent: string | null;
  credential: string | null;
  notifyOrigin: string | undefined;
};

const claimStatement = compiledOnce((_db, shape: CandidateShape & { notify: boolean }, v: ClaimValues) => {
  const notice = shape.notify ? sql`, ${changeNotice(v.notifyOrigin as string, v.projectId, sql`array[claimed.id]`, 'claimed')} as notified` : sql``;
  return sql<HandedOutRow>`
    with lease as (
      select coalesce(${v.leaseSeconds}::int,
        (select (settings->>'lease_seconds')::int from projects where id = ${v.projectId}),
        ${v.serverLeaseSeconds}::int) as seconds
    ), claimed as (
      update tasks set
        status = 'in_progress',
        started_at = coalesce(started_at, now()),
        attempts = attempts + 1,
        assignee = ${v.agent},
        lease_expires_at = now() + make_interval(secs => (select seconds from lease)),
        completed_at = null,
        status_updated_at = now(),
        updated_at = now(),
        version = version + 1,
        count_flip = not count_flip
      where project_id = ${v.projectId} and id = (${readyCandidates(shape, v)})
      returning *
    ), counted as (
      insert into task_counts (project_id, phase, status, ready, n)
      select project_id, phase, 'pending', unmet_deps = 0, -1 from claimed
      union all
      select project_id, phase, 'in_progress', false, 1 from claimed
    ), event as (
      insert into task_events (project_id, task_id, actor, credential, kind, from_status, to_status, data)
      select project_id, id, ${v.agent}, ${v.credential}::text, 'claimed', 'pending', 'in_progress',
        jsonb_build_object('lease_seconds', (select seconds from lease), 'attempt', attempts)
      from claimed
    )
    select ${viewedColumns('claimed')}, ${handOutColumns('claimed')}${notice}
    from claimed`;
});

/**
 * The whole claim is one statement, so it needs no transaction block and makes one round trip: pick
 * the best ready task no other transaction holds (skip locked, over the partial index tasks_ready)
 * and move it to in_progress with the lease the project asks for, count the move in task_counts
 * (flipping count_flip, so the counting trigger leaves it: migrations/0010_self_counted_moves.ts),
 * record the 'claimed' event, and return the task with its links. Readiness is the materialised
 * unmet_deps; a NOT EXISTS over dependencies here measured several times slower. The statement is
 * compiled once for each kind of filter (src/db/compiled-once.ts).
 */
export async function claimNextTask(db: Db, projectId: string, filter: NextTaskFilter, options: ClaimOptions): Promise<HandedOutRow | undefined> {
  const { rows } = await db.executeQuery(compileClaim(db, projectId, filter, options));
  const row = rows[0];
  if (row) delete (row as { notified?: unknown }).notified;
  return row;
}

/** The claim's statement, from the cache or (`anew`) built afresh. */
export function compileClaim(db: Db, projectId: string, filter: NextTaskFilter, options: ClaimOptions, anew = false): CompiledQuery<HandedOutRow> {
  const shape = { ...candidateShape(filter, true), notify: Boolean(options.notifyOrigin) };
  const values = {
    ...candidateValues(projectId, filter),
    leaseSeconds: options.leaseSeconds ?? null,
    serverLeaseSeconds: options.serverLeaseSeconds,
    agent: options.agent,
    credential: actingCredential(),
    notifyOrigin: options.notifyOrigin,
  };
  return anew ? claimStatement.compileAnew(db, shape, values) : claimStatement.compile(db, shape, values);
}

export async function peekNextTask(db: Db, projectId: string, filter: NextTaskFilter): Promise<HandedOutRow | undefined> {
  const { rows } = await sql<HandedOutRow>`
    select ${viewedColumns('t')}, ${handOutColumns('t')}
    from tasks t where project_id = ${projectId} and id = (${readyCandidates(candidateShape(filter, false), candidateValues(projectId, filter))})`.execute(db);
  return rows[0];
}
