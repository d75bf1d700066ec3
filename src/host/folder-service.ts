import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import type { App } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import { type CommandIo, drained } from '../commands/command-io.js';
import type { Logger } from '../log.js';
import { VERSION } from '../version.js';
import type { Ack, Hello } from './host-connection.js';
import { hostSocketPath, type HostInfo, removeHostInfo, writeHostInfo } from './host-files.js';
import { serveBoardCommand } from './board-command.js';
import { serveMcpSession } from './mcp-session.js';
import { SignInCodes } from './sign-in-codes.js';
import { whenOpen } from './when-open.js';

export type FolderServiceOptions = {
  folder: string;
  /** `board host` or `serve --http`. */
  role: string;
  config: Config;
  log: Logger;
  /** The app being opened: sessions start before it is ready, calls wait for it. */
  opening: Promise<App>;
  /** Told when a call or a command needs the app (when its open waits to be started). */
  needed?: () => void;
  /** The token of the web board, when it asks for one. */
  token?: string;
};

export type FolderService = {
  /** Open connections: agents' sessions and commands running. */
  connections(): number;
  /** The web board listens: publish its origin (host.json, `tasklane board`). */
  publishBoard(origin: string): void;
  readonly signIn: SignInCodes;
  close(): Promise<void>;
};

const MAX_HELLO_BYTES = 256 * 1024;

/** Reads the client's hello line; the socket is left paused with what followed it. */
function readHello(socket: net.Socket): Promise<{ hello: Hello; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(10);
      if (nl === -1) {
        if (buffered.length > MAX_HELLO_BYTES) reject(new Error('no hello line'));
        return;
      }
      socket.pause();
      socket.off('data', onData);
      try {
        resolve({ hello: JSON.parse(buffered.toString('utf8', 0, nl)) as Hello, rest: buffered.subarray(nl + 1) });
      } catch {
        reject(new Error('the hello line is not JSON'));
      }
    };
    socket.on('data', onData);
    socket.once('end', () => reject(new Error('closed before its hello')));
  });
}

function listen(server: net.Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The folder's local socket, served by the process that holds the folder's lock (the board host, or
 * `serve --http` on an embedded folder): agents' MCP sessions (one server each), CLI commands and
 * status. It listens at once, before the database is open: sessions answer initialize and the lists,
 * and calls wait for the board.
 */
export async function serveFolder(options: FolderServiceOptions): Promise<FolderService> {
  const { folder, log, opening } = options;
  let open = false;
  opening.then(
    () => (open = true),
    () => {},
  );
  const needed = options.needed ?? (() => {});
  const board = whenOpen(opening.then((app) => app.board), needed);
  const lessons = whenOpen(opening.then((app) => app.lessons), needed);
  const signIn = new SignInCodes();
  const sockets = new Set<net.Socket>();
  const socketPath = hostSocketPath(folder);
  const info: HostInfo = {
    pid: process.pid,
    role: options.role,
    socket: socketPath,
    token: options.token,
    started_at: new Date().toISOString(),
    version: VERSION,
    folder,
  };
  let boardOrigin: (origin: string) => void;
  const boardListening = new Promise<string>((resolve) => (boardOrigin = resolve));

  const ack = (socket: net.Socket, tasklane: Ack['tasklane'], message?: string) =>
    socket.write(`${JSON.stringify({ tasklane, pid: process.pid, version: VERSION, role: options.role, message } satisfies Ack)}\n`);

  const outputTo = (socket: net.Socket): CommandIo => ({
    out: (text) => socket.write(`${JSON.stringify({ out: text })}\n`),
    err: (text) => socket.write(`${JSON.stringify({ err: text })}\n`),
    progress: (p) => socket.write(`${JSON.stringify({ progress: p })}\n`),
    drain: () => drained(socket),
  });

  const runCommand = async (socket: net.Socket, hello: Hello, settings: Config) => {
    const io = outputTo(socket);
    const command = hello.command!;
    const client = { cwd: hello.cwd, project: settings.project };
    needed(); // every command needs the database, `board` its web board (served once the database is open)
    let code: number;
    try {
      code =
        command.name === 'board'
          ? await serveBoardCommand(command, client, io, { origin: boardListening, token: options.token, signIn })
          : await (await import('../commands/data-commands.js')).executeDataCommand(await opening, command, client, io, { pid: process.pid });
    } catch (err) {
      // Loaded when a command runs: the host answers its first agent sooner without them.
      const failure = (await import('../cli/failures.js')).describeFailure(err);
      io.err(failure.text);
      code = failure.code;
    }
    socket.end(`${JSON.stringify({ code })}\n`);
  };

  const serveClient = async (socket: net.Socket) => {
    const { hello, rest } = await readHello(socket);
    let settings: Config;
    try {
      settings = loadConfig({ ...hello.env, TASKLANE_DATABASE_URL: folder });
    } catch (err) {
      ack(socket, 'refused', (err as Error).message);
      socket.end();
      return;
    }
    if (hello.tasklane === 'mcp') {
      ack(socket, 'ok');
      await serveMcpSession(socket, rest, { settings, cwd: hello.cwd }, { board, lessons, log, boardOpen: () => open, maxMessageBytes: options.config.maxMessageBytes });
    } else if (hello.tasklane === 'command' && hello.command) {
      ack(socket, 'ok');
      await runCommand(socket, hello, settings);
    } else if (hello.tasklane === 'status') {
      ack(socket, 'ok');
      socket.end(`${JSON.stringify({ ...info, token: undefined, sessions: sockets.size - 1, ready: open })}\n`);
    } else {
      ack(socket, 'refused', `unknown request "${String(hello.tasklane)}": this board host runs tasklane ${VERSION}`);
      socket.end();
    }
  };

  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', (err) => log.debug({ err: err.message }, 'client socket'));
    serveClient(socket).catch((err: Error) => {
      log.warn({ err: err.message }, 'client refused');
      socket.destroy();
    });
  });
  // Only the holder of the folder's lock gets here: a socket file left by a dead host is safe to replace.
  if (process.platform !== 'win32') fs.rmSync(socketPath, { force: true });
  await listen(server, socketPath);
  if (process.platform !== 'win32') fs.chmodSync(socketPath, 0o600);
  writeHostInfo(folder, info);

  return {
    connections: () => sockets.size,
    publishBoard: (origin) => {
      info.url = origin;
      writeHostInfo(folder, info);
      boardOrigin(origin);
    },
    signIn,
    close: async () => {
      removeHostInfo(folder, process.pid);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

export const newBoardToken = () => randomBytes(32).toString('hex');
