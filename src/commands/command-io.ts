/** Where a command's output goes: this terminal, or the socket back to the CLI that asked a board host. */
export type CommandIo = { out(text: string): void; err(text: string): void };

/** A command line after strict parsing. */
export type ParsedCommand = { name: string; values: Record<string, string | boolean | undefined>; positionals: string[] };

export const processIo: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
