import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { CLI } from './stdio-client.js';

export type RpcLine = { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string } };

export const initialize = (id: number | string = 1) =>
  `${JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-client', version: '1' } } })}\n` +
  `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`;

/** A tools/call written as the TypeScript SDK writes it: the id last. */
export const toolCall = (id: number, name: string, args: Record<string, unknown>) =>
  `${JSON.stringify({ method: 'tools/call', params: { name, arguments: args }, jsonrpc: '2.0', id })}\n`;

/** The real bin over stdio, spoken to in raw lines: what an agent writes, byte for byte. */
export function rawStdio(env: Record<string, string>) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLI], {
    env: { ...(process.env as Record<string, string>), TASKLANE_LOG_LEVEL: 'info', TASKLANE_BOARD_HOST_IDLE_SECONDS: '3', ...env },
  });
  const lines: RpcLine[] = [];
  let buffer = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as RpcLine);
      buffer = buffer.slice(nl + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    write: (text: string | Buffer) => new Promise<void>((resolve) => child.stdin.write(text, () => resolve())),
    end: () => child.stdin.end(),
    exited,
    /** Waits until an answer with this id has arrived. */
    answer: async (id: unknown, timeoutMs = 60_000): Promise<RpcLine> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((l) => l.id === id);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no answer for id ${String(id)} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 200))]);
      }
    },
    kill: () => child.kill('SIGKILL'),
  };
}
