import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { eventually } from './http-client.js';
import { CLI } from './stdio-client.js';

/** `tasklane serve --http --port 0` from the built bin, with its stderr kept; resolves once it listens. */
export async function spawnHttpBin(env: Record<string, string>, args: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0', ...args], {
    env: { ...(process.env as Record<string, string>), TASKLANE_LOG_LEVEL: 'info', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  await eventually(() => stderr.includes('tasklane started') || child.exitCode !== null, 'the bin did not start', 60_000);
  if (child.exitCode !== null) throw new Error(`the bin exited ${child.exitCode}: ${stderr}`);
  const started = JSON.parse(stderr.split('\n').find((l) => l.includes('tasklane started'))!) as { url: string };
  const base = started.url.replace(/\/mcp$/, '');
  return {
    child,
    url: started.url,
    base,
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    readyz: async (timeoutMs = 10_000) => {
      const started = Date.now();
      const r = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
      return { status: r.status, body: (await r.json()) as Record<string, unknown>, ms: Date.now() - started };
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'close');
    },
  };
}

export type HttpBin = Awaited<ReturnType<typeof spawnHttpBin>>;

export const isAlive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
