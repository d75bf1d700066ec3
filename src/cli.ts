#!/usr/bin/env node
// The entry point loads only the command table; each command's code is imported when it runs.
import { parseCommandLine } from './cli/parse-command-line.js';

async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  if (line.kind === 'print') {
    (line.code ? process.stderr : process.stdout).write(line.text);
    return line.code;
  }
  if (line.spec.name !== 'serve') (await import('./commands/command-io.js')).stopWhenStdoutCloses();
  const command = await line.spec.load();
  return command.run(line.cmd);
}

/**
 * Exits once stdout and stderr have handed everything to the OS: a pipe's writes can be queued when the
 * reader is slower, and process.exit drops what is queued (the end of a long export, once in a few runs).
 */
function exitWhenWritten(code: number): void {
  let open = 2;
  const written = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

main(process.argv.slice(2)).then(exitWhenWritten, async (err: unknown) => {
  const { describeFailure } = await import('./cli/failures.js');
  const failure = describeFailure(err);
  process.stderr.write(failure.text);
  exitWhenWritten(failure.code);
});
