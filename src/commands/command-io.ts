import { progressBar } from '../cli/progress-bar.js';

/** How far a long command has come: `done` of `total` items (tasks) in its current step. */
export type Progress = { step: string; done: number; total: number };

/** Where a command's output goes: this terminal, or the socket back to the CLI that asked a board host. */
export type CommandIo = { out(text: string): void; err(text: string): void; progress?(p: Progress): void };

/** A command line after strict parsing. */
export type ParsedCommand = { name: string; values: Record<string, string | boolean | undefined>; positionals: string[] };

export const processIo: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  progress: progressBar(process.stderr),
};

export const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
