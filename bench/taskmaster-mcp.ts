import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TASKMASTER_DIR } from './taskmaster-impl.js';

/** The installed task-master-ai's MCP server and its version, or undefined when it is not installed. */
export function taskmasterMcpServer(): { script: string; version: string } | undefined {
  try {
    const version = JSON.parse(fs.readFileSync(path.join(TASKMASTER_DIR, 'package.json'), 'utf8')).version as string;
    const script = path.join(TASKMASTER_DIR, 'dist', 'mcp-server.js');
    return fs.existsSync(script) ? { script, version } : undefined;
  } catch {
    return undefined;
  }
}

/** A Taskmaster project of `size` independent pending tasks (ids 1..size), as `task-master init` lays it out. */
function writeProject(root: string, size: number) {
  const file = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const now = new Date().toISOString();
  const tasks = Array.from({ length: size }, (_, i) => ({
    id: i + 1, title: `task ${i}`, description: `task ${i}`, details: '', testStrategy: '', status: 'pending', priority: 'medium', dependencies: [], subtasks: [],
  }));
  fs.writeFileSync(file, JSON.stringify({ master: { tasks, metadata: { created: now, updated: now, description: 'bench' } } }, null, 2));
}

export type TaskmasterAgent = {
  client: Client;
  /** The server's process id (for its CPU time). */
  pids: number[];
  /** next_task, set_task_status in-progress, set_task_status done; false when nothing was next. */
  cycle(calls?: number[]): Promise<boolean>;
  /** Runs `cycles` on throwaway projects of `size` tasks beside the measured one (a new one as each runs out). */
  warmUp(cycles: number): Promise<void>;
};

/**
 * One agent on Taskmaster's own MCP server over stdio, as its users run it (`task-master-ai` as the
 * server command; these three tools need no API key), on a project of `size` tasks in `root`.
 */
export async function taskmasterAgent(root: string, size: number, env: Record<string, string>): Promise<TaskmasterAgent> {
  const server = taskmasterMcpServer();
  if (!server) throw new Error(`task-master-ai is not installed in ${TASKMASTER_DIR}`);
  writeProject(root, size);
  const client = new Client({ name: 'agent', version: '1.0.0' });
  const transport = new StdioClientTransport({ command: process.execPath, args: [server.script], env: { ...env, HOME: root }, cwd: root, stderr: 'ignore' });
  await client.connect(transport, { timeout: 120_000 });
  const call = async (name: string, args: Record<string, unknown>, projectRoot = root) => {
    const r = (await client.callTool({ name, arguments: { ...args, projectRoot } })) as CallToolResult;
    const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    if (r.isError) throw new Error(`taskmaster ${name}: ${text}`);
    return text;
  };
  const timed = async <T>(calls: number[] | undefined, work: () => Promise<T>) => {
    const start = process.hrtime.bigint();
    const result = await work();
    calls?.push(Number(process.hrtime.bigint() - start) / 1e6);
    return result;
  };
  const cycle = async (calls?: number[], projectRoot = root) => {
    const next = JSON.parse(await timed(calls, () => call('next_task', {}, projectRoot))) as { data?: { nextTask?: { id: number } | null } };
    const id = next.data?.nextTask?.id;
    if (id === undefined) return false;
    await timed(calls, () => call('set_task_status', { id: String(id), status: 'in-progress' }, projectRoot));
    await timed(calls, () => call('set_task_status', { id: String(id), status: 'done' }, projectRoot));
    return true;
  };
  return {
    client,
    pids: transport.pid ? [transport.pid] : [],
    cycle: (calls) => cycle(calls),
    warmUp: async (cycles) => {
      for (let round = 0; cycles > 0; round++) {
        const throwaway = path.join(root, `warm-up-${round}`);
        writeProject(throwaway, size);
        for (let i = 0; i < size && cycles > 0; i++, cycles--) await cycle(undefined, throwaway);
      }
    },
  };
}
