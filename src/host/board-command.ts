import type { CommandIo, ParsedCommand } from '../commands/command-io.js';
import { commandProject } from '../commands/command-project.js';
import type { CommandClient } from '../commands/data-commands.js';
import type { SignInCodes } from './sign-in-codes.js';

/** `tasklane board` answered by the process serving the folder: its board's URL, and a one-time sign-in link. */
export async function serveBoardCommand(
  cmd: ParsedCommand,
  client: CommandClient,
  io: CommandIo,
  board: { origin: Promise<string>; token?: string; signIn: SignInCodes },
): Promise<number> {
  const project = await commandProject(cmd.values.project, client.project, client.cwd);
  const origin = await board.origin;
  const query = `project=${encodeURIComponent(project)}`;
  io.out(`${origin}/board?${query}\n`);
  if (board.token) io.out(`sign in once, within 5 minutes: ${origin}/board/signin?${query}&code=${board.signIn.issue()}\n`);
  return 0;
}
