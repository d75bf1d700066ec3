import { actingCredential } from './acting-credential.js';
import { compiledOnce } from './compiled-once.js';
import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import { linkColumns, viewedColumns } from './dependencies.js';
import type { NewEvent } from './events.js';
import { changeNotice } from './notify.js';
import { projectLockCondition } from './project-lock.js';
import type { Db, ViewedTaskRow } from './schema.js';
import { type TaskPatch, updateTaskQuery } from './tasks.js';

/** A task after its holder's report: its row, its links, and the dependents it made ready. */
export type FinishedRow = ViewedTaskRow & { dependencies: string[]; blocks: string[]; newly_ready: string[] };

export type FinishOptions = {
  agent: string;
  /** 'completed' also counts the task off its dependents' unmet_deps. */
  completes: boolean;
  expectedVersion?: number;
  notifyOrigin?: string;
  kind: string;
  /** Take the project's lock before a completion moves unmet_deps (default on; off only to measure its cost). */
  serialize?: boolean;
};

/**
 * The common report, an agent finishing the task it holds, as one statement (no transaction block,
 * one round trip): the patch, the dependents' unmet_deps − 1 when it completes, the move counted in
 * task_counts (as a claim counts its own), the event, and the task with its links. It changes nothing
 * and returns undefined unless the task is in progress with this agent, at expected_version when one
 * is given, and (to complete) has no unmet dependency: the caller then takes the general path, which
 * explains what is wrong. The conditions are re-checked on the row's newest version when another
 * transaction changed it meanwhile, so a stale report cannot slip through.
 *
 * A completion takes the project's shared lock first (as a condition of the UPDATE, before the row is
 * locked) and shifts the dependents in tasklane_shift_dependents, which reads the edges in a snapshot
 * taken after the lock: a graph edit committed while this statement waited is counted, and one
 * still to come waits for this statement (migrations/0005_shift_dependents.ts).
 */
type FinishShape = {
  /** The patch's columns in order, each with its SQL when it is an expression without parameters, else null (a bound value). */
  set: Array<[string, string | null]>;
  completes: boolean;
  serialize: boolean;
  expectedVersion: boolean;
  notify: boolean;
};

const finishStatement = compiledOnce((db, shape: FinishShape, v: Record<string, unknown>) => {
  const patch = Object.fromEntries(shape.set.map(([column, expression]) => [column, expression === null ? v[`set_${column}`] : sql.raw(expression)]));
  let update = updateTaskQuery(db, v.projectId as string, v.taskId as string, { ...(patch as TaskPatch), count_flip: sql<boolean>`not count_flip` })
    .where('status', '=', 'in_progress').where('assignee', '=', v.agent as string);
  if (shape.completes) update = update.where('unmet_deps', '=', 0);
  if (shape.serialize) update = update.where(projectLockCondition(v.projectId as string, 'status'));
  if (shape.expectedVersion) update = update.where('version', '=', v.expectedVersion as number);
  const shift = shape.serialize
    ? sql`select s.dependent_id as id, s.dependent_seq as seq, s.now_ready as ready
        from done cross join lateral tasklane_shift_dependents(done.project_id, done.id, -1) s`
    : shape.completes
    ? sql`update tasks t set unmet_deps = t.unmet_deps - 1
        from task_dependencies d, done
        where d.project_id = done.project_id and d.depends_on = done.id and t.project_id = d.project_id and t.id = d.task_id
        returning t.id, t.seq, (t.status = 'pending' and t.unmet_deps = 0) as ready`
    : sql`select null::text as id, null::bigint as seq, false as ready where false`;
  const notice = shape.notify
    ? sql`, ${changeNotice(v.notifyOrigin as string, v.projectId as string, sql`(array[done.id] || array(select id from shifted where ready))`, v.kind as string)} as notified`
    : sql``;
  return sql<FinishedRow>`
    with done as (${update}), shifted as (${shift}), counted as (
      insert into task_counts (project_id, phase, status, ready, n)
      select project_id, phase, 'in_progress', false, -1 from done
      union all
      select project_id, phase, status, status = 'pending' and unmet_deps = 0, 1 from done
    ), event as (
      insert into task_events (project_id, task_id, actor, credential, kind, from_status, to_status, note, data)
      select project_id, id, ${v.actor}, ${v.credential}::text, ${v.eventKind}, ${v.fromStatus}, ${v.toStatus}, ${v.note},
        ${v.data}::jsonb
      from done
    )
    select ${viewedColumns('done')}, ${linkColumns('done')},
      array(select id from shifted where ready order by seq) as newly_ready${notice}
    from done`;
});

export async function finishHeldTask(
  db: Db,
  projectId: string,
  taskId: string,
  patch: TaskPatch,
  event: NewEvent,
  options: FinishOptions,
): Promise<FinishedRow | undefined> {
  const { rows } = await db.executeQuery(compileFinish(db, projectId, taskId, patch, event, options));
  const row = rows[0];
  if (row) delete (row as { notified?: unknown }).notified;
  return row;
}

/** The report's statement, from the cache, or (`anew`, and for a patch with an expression that has parameters) built afresh. */
export function compileFinish(db: Db, projectId: string, taskId: string, patch: TaskPatch, event: NewEvent, options: FinishOptions, anew = false): CompiledQuery<FinishedRow> {
  if (!('status' in patch) || 'phase' in patch) throw new Error('a holder\'s report moves the status and keeps the phase: its move is counted so');
  const values: Record<string, unknown> = {
    projectId, taskId, agent: options.agent, expectedVersion: options.expectedVersion, notifyOrigin: options.notifyOrigin, kind: options.kind,
    actor: event.actor, credential: actingCredential(), eventKind: event.kind, fromStatus: event.from_status, toStatus: event.to_status,
    note: event.note ?? null, data: event.data ? JSON.stringify(event.data) : null,
  };
  const set: FinishShape['set'] = Object.entries(patch).map(([column, value]) => {
    values[`set_${column}`] = value;
    if (!isRaw(value)) return [column, null];
    const expression = value.compile(db);
    if (expression.parameters.length > 0) anew = true;
    return [column, expression.sql];
  });
  const shape: FinishShape = {
    set, completes: options.completes, serialize: options.completes && (options.serialize ?? true), expectedVersion: options.expectedVersion !== undefined, notify: Boolean(options.notifyOrigin),
  };
  return anew ? finishStatement.compileAnew(db, { ...shape, set: set.map(([column]) => [column, null]) }, values) : finishStatement.compile(db, shape, values);
}

const isRaw = (value: unknown): value is RawBuilder<unknown> => (value as RawBuilder<unknown> | null)?.isRawBuilder === true;
