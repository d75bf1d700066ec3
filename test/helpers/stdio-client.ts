import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const CLI = path.resolve(import.meta.dirname, '../../dist/src/cli.js');

/** Starts the real tasklane bin over stdio and connects the SDK client to it. */
export async function connectStdio(env: Record<string, string>, name = 'test-agent', cwd?: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI],
    // Board hosts that tests start stop soon after their last client leaves.
    env: { ...(process.env as Record<string, string>), TASKLANE_LOG_LEVEL: 'info', TASKLANE_BOARD_HOST_IDLE_SECONDS: '3', ...env },
    stderr: 'pipe',
    cwd,
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += chunk));
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    call: async (tool: string, args: Record<string, unknown>) => (await client.callTool({ name: tool, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}

/** What an agent pays for a reply, counted as characters / 4. */
export const tokens = (value: unknown) => Math.ceil(JSON.stringify(value).length / 4);

export const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
