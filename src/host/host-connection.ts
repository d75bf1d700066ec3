import net from 'node:net';

/** The first line a client sends on the folder's socket: what it wants, and its own context, once. */
export type Hello = {
  tasklane: 'mcp' | 'command' | 'status';
  version: string;
  /** The client's working directory: its git repository names its default project. */
  cwd: string;
  /** The client's TASKLANE_* settings (its project, git auto-fill); checked by the host. */
  env: Record<string, string>;
  /** For `command`: the parsed command line. */
  command?: { name: string; values: Record<string, string | boolean | undefined>; positionals: string[] };
};

/** The host's first line back. */
export type Ack = { tasklane: 'ok' | 'refused'; pid: number; version: string; role: string; message?: string };

export type HostConnection = { socket: net.Socket; ack: Ack; /** bytes the host sent after its ack */ rest: Buffer };

/** The TASKLANE_* settings of this process, for the host to apply to this client. */
export const ownSettings = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('TASKLANE_') && e[1] !== undefined));

/** The host would not serve this client (its settings are invalid, say): the host's own words. */
export class HostRefusedError extends Error {}

const ABSENT = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK']);

/**
 * Connects to the host serving a folder and introduces this client. Undefined when nothing listens
 * there (no host, or one that just died); the socket comes back paused.
 */
export function connectToHost(socketPath: string, hello: Hello): Promise<HostConnection | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffered = Buffer.alloc(0);
    const fail = (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (ABSENT.has(err.code ?? '') || err.code === 'ECONNRESET' || err.code === 'EPIPE') resolve(undefined);
      else reject(err);
    };
    const ended = () => resolve(undefined);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(10);
      if (nl === -1) return;
      socket.pause();
      socket.off('data', onData).off('error', fail).off('end', ended);
      try {
        resolve({ socket, ack: JSON.parse(buffered.toString('utf8', 0, nl)) as Ack, rest: buffered.subarray(nl + 1) });
      } catch {
        socket.destroy();
        resolve(undefined);
      }
    };
    socket.once('error', fail);
    socket.once('end', ended);
    socket.on('data', onData);
    socket.once('connect', () => socket.write(`${JSON.stringify(hello)}\n`));
  });
}
