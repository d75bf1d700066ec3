import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Cycle } from './cycle-runner.js';
import type { BenchTask } from './graph.js';
import type { McpClientFactory } from './mcp-clients.js';

/** nextMs: each get_next_task call's time, in ms (the caller empties it to count only measured cycles). */
export type McpAgents = { clients: Client[]; cycle: Cycle; nextMs: number[]; close(): Promise<void> };

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (r.isError) throw new Error(`${name}: ${r.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ')}`);
  return r.structuredContent as Record<string, unknown>;
}

/** Connects `agents` clients through the factory; a cycle is get_next_task then mark_task_status completed. */
export async function connectAgents(factory: McpClientFactory, agents: number): Promise<McpAgents> {
  const clients = await Promise.all(Array.from({ length: agents }, (_, i) => factory(`agent-${i}`)));
  const nextMs: number[] = [];
  const cycle: Cycle = async (worker) => {
    const client = clients[worker % clients.length];
    const start = process.hrtime.bigint();
    const next = await call(client, 'get_next_task', {});
    nextMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    const task = next.task as { id: string } | null;
    if (!task) return next.reason === 'waiting' ? 'none_ready' : 'all_done';
    await call(client, 'mark_task_status', { task_id: task.id, status: 'completed' });
    return 'done';
  };
  return { clients, cycle, nextMs, close: async () => void (await Promise.all(clients.map((c) => c.close()))) };
}

/** Writes the graph through write_task_list (the tool takes up to 10,000 tasks a call). */
export async function writeGraphOverMcp(client: Client, tasks: BenchTask[]): Promise<void> {
  for (let i = 0; i < tasks.length; i += 5_000) {
    await call(client, 'write_task_list', { tasks: tasks.slice(i, i + 5_000), mode: 'merge' });
  }
}
