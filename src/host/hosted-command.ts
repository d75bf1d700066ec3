import { LineSplitter } from '../transports/line-framing.js';
import type { CommandIo, Progress } from '../commands/command-io.js';
import type { HostConnection } from './host-connection.js';

/** One line of a command's output coming back from the host; the last one carries the exit code. */
export type OutputLine = { out?: string; err?: string; progress?: Progress; code?: number };

/** Writes what the host's run of a command prints, as it comes; resolves with the command's exit code. */
export function printHostedOutput({ socket, rest }: HostConnection, io: CommandIo): Promise<number> {
  return new Promise((resolve) => {
    let code: number | undefined;
    let readerGone = false;
    const lines = new LineSplitter(
      Number.MAX_SAFE_INTEGER,
      (line) => {
        const entry = JSON.parse(line.toString('utf8')) as OutputLine;
        if (entry.out) {
          io.out(entry.out);
          // A long export: read no more from the host until this side's output has drained.
          const full = io.drain?.();
          if (full) {
            socket.pause();
            void full.then(() => socket.resume(), () => {
              readerGone = true;
              socket.destroy();
            });
          }
        }
        if (entry.err) io.err(entry.err);
        if (entry.progress) io.progress?.(entry.progress);
        if (typeof entry.code === 'number') code = entry.code;
      },
      () => {},
    );
    socket.on('data', (chunk: Buffer) => lines.push(chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      lines.end();
      if (readerGone) return resolve(0);
      if (code === undefined) io.err('tasklane: the board host stopped during this command; it may or may not have taken effect\n');
      resolve(code ?? 1);
    });
    if (rest.length) lines.push(rest);
    socket.resume();
  });
}
