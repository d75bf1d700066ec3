import { sql } from 'kysely';
import type { Db } from './schema.js';

export type ExpiredLease = { project_id: string; id: string; agent: string | null; status: 'pending' | 'failed'; attempts: number };

/**
 * Takes back in_progress tasks whose lease has run out: to pending, or to failed once attempts reach
 * max_attempts. Rows another transaction holds are skipped (skip locked), so several reapers in several
 * replicas handle each expired task exactly once.
 */
export async function expireLeases(db: Db, batch: number): Promise<ExpiredLease[]> {
  const { rows } = await sql<ExpiredLease>`
    with expired as (
      select project_id, id, assignee from tasks
      where status = 'in_progress' and lease_expires_at < now()
      order by lease_expires_at
      limit ${batch}
      for update skip locked
    )
    update tasks t set
      status = case when t.attempts >= t.max_attempts then 'failed' else 'pending' end,
      result = case when t.attempts >= t.max_attempts then 'lease expired after ' || t.attempts || ' attempts' else t.result end,
      completed_at = case when t.attempts >= t.max_attempts then now() else null end,
      assignee = null,
      lease_expires_at = null,
      status_updated_at = now(),
      updated_at = now(),
      version = t.version + 1
    from expired e
    where t.project_id = e.project_id and t.id = e.id
    returning t.project_id, t.id, e.assignee as agent, t.status, t.attempts`.execute(db);
  return rows;
}

/** Moves the lease of a task the agent holds; undefined when the agent does not hold it. */
export async function extendLease(db: Db, projectId: string, taskId: string, agent: string, seconds: number) {
  const { rows } = await sql<{ lease_expires_at: Date; version: number }>`
    update tasks set lease_expires_at = now() + make_interval(secs => ${seconds}), heartbeat_at = now()
    where project_id = ${projectId} and id = ${taskId} and status = 'in_progress' and assignee = ${agent}
    returning lease_expires_at, version`.execute(db);
  return rows[0];
}
