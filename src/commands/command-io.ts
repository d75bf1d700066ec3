import { progressBar } from '../cli/progress-bar.js';

/** How far a long command has come: `done` of `total` items (tasks) in its current step. */
export type Progress = { step: string; done: number; total: number };

/**
 * Where a command's output goes: this terminal, or the socket back to the CLI that asked a board host.
 * `drain`: a promise when `out` has filled the destination's buffer (wait for it before writing more), else undefined.
 */
export type CommandIo = { out(text: string): void; err(text: string): void; progress?(p: Progress): void; drain?(): Promise<void> | undefined };

type Output = NodeJS.WritableStream & { writableNeedDrain?: boolean; destroyed?: boolean };

/** The reader of a command's output went away (`tasklane export | head`): the command stops there, and the CLI exits quietly with 0. */
export class OutputClosedError extends Error {
  constructor() {
    super('the output was closed before the command finished');
  }
}

/**
 * When the stream's buffer is full, a promise that resolves once it has drained; it rejects with
 * OutputClosedError if the stream closes first (a long output then stops). Else undefined.
 */
export function drained(stream: Output): Promise<void> | undefined {
  if (stream.destroyed) return Promise.reject(new OutputClosedError());
  if (!stream.writableNeedDrain) return undefined;
  return new Promise<void>((resolve, reject) => {
    const settle = (closed: boolean) => () => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      if (closed) reject(new OutputClosedError());
      else resolve();
    };
    const onDrain = settle(false);
    const onClose = settle(true);
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}

/** A command line after strict parsing. */
export type ParsedCommand = { name: string; values: Record<string, string | boolean | undefined>; positionals: string[] };

let stdoutGone = false;

/**
 * For a person's command: once stdout's reader has gone (EPIPE), nothing more is written there and the
 * command's next drain fails with OutputClosedError. Node's stdout is never destroyed, so without this a
 * long export would wait for a drain that never comes, and the unhandled error printed a stack trace.
 * (Serving MCP over stdio watches its own output: src/transports/line-transport.ts.)
 */
export function stopWhenStdoutCloses(): void {
  process.stdout.on('error', () => {
    stdoutGone = true;
  });
}

export const processIo: CommandIo = {
  out: (text) => {
    if (!stdoutGone) process.stdout.write(text);
  },
  err: (text) => void process.stderr.write(text),
  progress: progressBar(process.stderr),
  drain: () => (stdoutGone ? Promise.reject(new OutputClosedError()) : drained(process.stdout)),
};

export const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
