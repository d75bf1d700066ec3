import { selectHolds, selectRecentFailures } from '../db/board-queries.js';
import type { Db } from '../db/schema.js';
import { iso } from './task-view.js';

export type Hold = {
  task_id: string;
  title?: string;
  status: string;
  attempts: number;
  since?: string;
  last_heartbeat_at?: string;
  lease_expires_at?: string;
};
export type AgentHolds = { agent: string; holds: Hold[] };
export type Failure = { task_id: string; title?: string; result?: string; attempts: number; failed_at?: string };
export type AgentsView = { project: string; generated_at: string; agents: AgentHolds[]; recent_failures: Failure[] };

const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/** Who holds which task, since when, their last sign of life and lease left; and the latest failures. */
export async function agentsView(db: Db, projectId: string, limit = 500): Promise<AgentsView> {
  const byAgent = new Map<string, Hold[]>();
  for (const r of await selectHolds(db, projectId, limit)) {
    const agent = r.assignee ?? '(unnamed)';
    const hold: Hold = { task_id: r.id, status: r.status, attempts: r.attempts };
    if (r.title) hold.title = r.title;
    if (r.status_updated_at) hold.since = iso(r.status_updated_at);
    // heartbeat_at may be a previous holder's: the claim (status_updated_at) is then later.
    const alive = later(r.heartbeat_at, r.status_updated_at);
    if (alive) hold.last_heartbeat_at = iso(alive);
    if (r.status === 'in_progress' && r.lease_expires_at) hold.lease_expires_at = iso(r.lease_expires_at);
    byAgent.set(agent, [...(byAgent.get(agent) ?? []), hold]);
  }
  const failures = (await selectRecentFailures(db, projectId, 20)).map((r) => {
    const f: Failure = { task_id: r.id, attempts: r.attempts };
    if (r.title) f.title = r.title;
    if (r.result) f.result = r.result;
    if (r.status_updated_at) f.failed_at = iso(r.status_updated_at);
    return f;
  });
  return {
    project: projectId,
    generated_at: new Date().toISOString(),
    agents: [...byAgent].map(([agent, holds]) => ({ agent, holds })).sort((a, b) => a.agent.localeCompare(b.agent)),
    recent_failures: failures,
  };
}
