/**
 * The two transactions of a take-and-finish cycle as bare SQL for pgbench: the claim is the engine's
 * statement from src/db/claim-next-task.ts (no filter) plus its 'claimed' event; the complete is the
 * status update, the dependents' unmet_deps − 1 and the status event. `\gset` carries the claimed id.
 * Run with -M prepared: `:name` variables become parameters, so ids need no quoting.
 */
export function pgbenchScript(project: string, leaseSeconds = 900): string {
  const p = `'${project.replace(/'/g, "''")}'`;
  return `BEGIN;
update tasks set
  status = 'in_progress',
  started_at = coalesce(started_at, now()),
  attempts = attempts + 1,
  assignee = 'pgbench',
  lease_expires_at = now() + make_interval(secs => ${leaseSeconds}),
  completed_at = null,
  status_updated_at = now(),
  updated_at = now(),
  version = version + 1
where project_id = ${p} and id = (select id from tasks where project_id = ${p} and status = 'pending' and unmet_deps = 0
  order by priority, seq limit 1 for update skip locked)
returning id as claimed_id, attempts as claimed_attempt \\gset
insert into task_events (project_id, task_id, actor, kind, from_status, to_status, data)
  values (${p}, :claimed_id, 'pgbench', 'claimed', 'pending', 'in_progress', jsonb_build_object('lease_seconds', ${leaseSeconds}, 'attempt', :claimed_attempt::int));
COMMIT;
BEGIN;
update tasks set status = 'completed', status_updated_at = now(), lease_expires_at = null, completed_at = now(),
  updated_at = now(), version = version + 1
where project_id = ${p} and id = :claimed_id;
update tasks t set unmet_deps = t.unmet_deps - 1
from task_dependencies d
where d.project_id = ${p} and d.depends_on = :claimed_id and t.project_id = d.project_id and t.id = d.task_id;
insert into task_events (project_id, task_id, actor, kind, from_status, to_status)
  values (${p}, :claimed_id, 'pgbench', 'status', 'in_progress', 'completed');
COMMIT;
`;
}
