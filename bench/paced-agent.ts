import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { elapsedMs } from './stats.js';

/** What an agent's measured cycles leave: how many, each get_next_task's latency, how many started late. */
export type AgentTally = { cycles: number; nextMs: number[]; late: number };

/**
 * One agent's take-and-finish cycles over MCP until the board has no task left for it. Paced (`rate`
 * cycles/s for all `agents` together) it starts a cycle every agents/rate seconds, `slot` spreading the
 * agents' starts, at once and without catching up when it is behind, as an agent that thinks between
 * calls; unpaced (rate 0) it starts the next as soon as the last ends. Only cycles run while
 * `measuring()` are tallied; `afterCycle` runs after each.
 */
export async function runPacedAgent(
  client: Client,
  name: string,
  pace: { slot: number; agents: number; rate: number },
  measuring: () => boolean,
  tally: AgentTally,
  afterCycle: () => void = () => {},
): Promise<void> {
  const interval = (pace.agents * 1000) / pace.rate;
  for (let due = performance.now() + (pace.slot * interval) / pace.agents; ; due += interval) {
    if (pace.rate) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else {
        if (measuring() && wait < -1) tally.late++;
        due = performance.now();
      }
    }
    const counted = measuring();
    const t = process.hrtime.bigint();
    const next = (await client.callTool({ name: 'get_next_task', arguments: { agent: name } })).structuredContent as { task: { id: string } | null };
    if (counted) tally.nextMs.push(elapsedMs(t));
    if (!next.task) return;
    await client.callTool({ name: 'mark_task_status', arguments: { agent: name, task_id: next.task.id, status: 'completed' } });
    if (counted) tally.cycles++;
    afterCycle();
  }
}
