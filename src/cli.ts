#!/usr/bin/env node
// The entry point loads only the command table; each command's code is imported when it runs.
import { parseCommandLine } from './cli/parse-command-line.js';

async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  if (line.kind === 'print') {
    (line.code ? process.stderr : process.stdout).write(line.text);
    return line.code;
  }
  const command = await line.spec.load();
  return command.run(line.cmd);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    const { describeFailure } = await import('./cli/failures.js');
    const failure = describeFailure(err);
    process.stderr.write(failure.text);
    process.exit(failure.code);
  },
);
