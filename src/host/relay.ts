import type net from 'node:net';
import { untilStopped } from '../process/until-stopped.js';
import { answeredLine, errorLine, INTERNAL_ERROR, INVALID_REQUEST, isInitializeLine, LineSplitter, messageId, type RawId, tooLargeMessage } from '../transports/line-framing.js';
import { connectToHost, type HostConnection, HostRefusedError, ownSettings } from './host-connection.js';
import { hostSocketPath } from './host-files.js';

export type RelayOptions = { folder: string; maxMessageBytes: number; version: string; log: (level: 'info' | 'warn', msg: string, extra?: object) => void };

const HOST_LOST =
  'tasklane: the board host stopped during this call, so the call may or may not have taken effect; the next call ' +
  'starts a new host. Check with read_task_breakdown, then retry.';
const NEWLINE = Buffer.from('\n');

/**
 * The stdio `tasklane` of an agent on an embedded folder: a byte pipe between the agent and the folder's
 * board host over a local socket. It reads of each line only its id (to answer calls in flight if the
 * host dies) and whether it is `initialize` (kept, to introduce the client to a new host). Resolves
 * with the exit code once stdin has ended and every request has been answered.
 */
export function relayStdio(options: RelayOptions): Promise<number> {
  const socketPath = hostSocketPath(options.folder);
  const hello = { tasklane: 'mcp' as const, version: options.version, cwd: process.cwd(), env: ownSettings() };
  const stdin = process.stdin;
  const stdout = process.stdout;
  let host: net.Socket | undefined;
  let connecting: Promise<void> | undefined;
  let hostLost = false;
  let initialize: Buffer | undefined;
  let replayId: string | undefined;
  let replays = 0;
  let stdinEnded = false;
  let exitCode = 0;
  // Requests not yet answered, with their line number on the current connection (once written): an
  // answer with a null id (a line the host could not parse) names the line it answers.
  const inFlight = new Map<string, number | undefined>();
  const lineIds = new Map<number, string>();
  let linesSent = 0;
  let queue: Array<{ line: Buffer; id: string | undefined }> = [];
  const forget = (id: string) => {
    const n = inFlight.get(id);
    if (n !== undefined) lineIds.delete(n);
    inFlight.delete(id);
  };

  const life = untilStopped(async () => {
    host?.destroy();
  });

  const toAgent = (text: Buffer | string) => {
    if (!stdout.write(text)) host?.pause();
  };
  stdout.on('drain', () => host?.resume());
  stdout.on('error', () => void life.stop('stdout closed'));

  const finishIfDone = () => {
    if (stdinEnded && inFlight.size === 0 && queue.length === 0 && !connecting) {
      host?.end();
      stdout.write('', () => void life.stop('stdin closed'));
    }
  };

  const fromHost = new LineSplitter(
    Number.MAX_SAFE_INTEGER,
    (line) => {
      const id = messageId(line);
      if (id === replayId && id !== undefined) {
        replayId = undefined; // the answer to our own replayed initialize
        return;
      }
      if (id !== undefined && id !== null) forget(id);
      else if (id === null) {
        const answered = lineIds.get(answeredLine(line) ?? -1);
        if (answered !== undefined) forget(answered);
      }
      toAgent(Buffer.concat([line, NEWLINE]));
      if (inFlight.size === 0) finishIfDone();
    },
    () => {},
  );

  const hostClosed = (socket: net.Socket) => {
    if (host !== socket) return;
    host = undefined;
    hostLost = true;
    fromHost.discard();
    if (inFlight.size) options.log('warn', 'the board host stopped with calls in flight', { calls: inFlight.size });
    for (const id of inFlight.keys()) toAgent(errorLine(id, INTERNAL_ERROR, HOST_LOST));
    inFlight.clear();
    lineIds.clear();
    stdin.resume();
    if (queue.length) connect();
    finishIfDone();
  };

  const attach = ({ socket, rest }: HostConnection) => {
    host = socket;
    linesSent = 0;
    socket.on('data', (chunk: Buffer) => fromHost.push(chunk));
    socket.on('drain', () => stdin.resume());
    socket.once('close', () => hostClosed(socket));
    socket.on('error', (err) => options.log('warn', 'board host connection', { err: err.message }));
    if (rest.length) fromHost.push(rest);
    if (hostLost && initialize) {
      // A new host meets this client for the first time: introduce it again, and drop the answer.
      const again = { ...(JSON.parse(initialize.toString('utf8')) as object), id: `tasklane-relay-${++replays}` };
      replayId = JSON.stringify(again.id);
      socket.write(`${JSON.stringify(again)}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n`);
      linesSent += 2;
    }
    const waiting = queue;
    queue = [];
    for (const { line, id } of waiting) toHost(line, id);
    socket.resume();
  };

  const failQueued = (reason: string) => {
    for (const { id } of queue) {
      if (id === undefined) continue;
      forget(id);
      toAgent(errorLine(id, INTERNAL_ERROR, `tasklane: ${reason}`));
    }
    queue = [];
  };

  const connect = () => {
    connecting ??= (async () => {
      let connection = await connectToHost(socketPath, hello);
      if (!connection) {
        const { ensureHost } = await import('./start-host.js');
        connection = await ensureHost(options.folder, () => connectToHost(socketPath, hello));
      }
      if (connection.ack.tasklane !== 'ok') {
        connection.socket.destroy();
        throw new HostRefusedError(connection.ack.message ?? 'the board host refused this client');
      }
      if (!hostLost) options.log('info', 'tasklane started', { transport: 'stdio', via: 'board host', host_pid: connection.ack.pid, database: `pglite ${options.folder}` });
      attach(connection);
    })()
      .catch((err: Error) => {
        options.log('warn', err.message);
        failQueued(err.message);
        if (err instanceof HostRefusedError) {
          process.stderr.write(`tasklane: ${err.message}\n`);
          exitCode = 1;
          stdinEnded = true;
          void life.stop('refused');
        }
      })
      .finally(() => {
        connecting = undefined;
        finishIfDone();
      });
  };

  const toHost = (line: Buffer, id: string | undefined) => {
    if (!host) {
      queue.push({ line, id });
      connect();
      return;
    }
    linesSent++;
    if (id !== undefined) {
      inFlight.set(id, linesSent);
      lineIds.set(linesSent, id);
    }
    if (!host.write(Buffer.concat([line, NEWLINE]))) stdin.pause();
  };

  const fromAgent = new LineSplitter(
    options.maxMessageBytes,
    (line) => {
      if (!initialize && isInitializeLine(line)) initialize = line;
      const id: RawId | undefined = messageId(line);
      const request = id !== undefined && id !== null && line.indexOf('"method"') !== -1 ? id : undefined;
      if (request !== undefined) inFlight.set(request, undefined);
      toHost(line, request);
    },
    (id, bytes) => toAgent(errorLine(id, INVALID_REQUEST, tooLargeMessage(bytes, options.maxMessageBytes))),
  );

  stdin.on('data', (chunk: Buffer) => fromAgent.push(chunk));
  stdin.once('end', () => {
    fromAgent.end();
    stdinEnded = true;
    finishIfDone();
  });
  connect(); // at once: the host may need starting, and an agent expects its first answer soon
  return life.stopped.then(() => exitCode);
}
