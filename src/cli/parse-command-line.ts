import { parseArgs } from 'node:util';
import type { ParsedCommand } from '../commands/command-io.js';
import { closest } from '../closest-word.js';
import { VERSION } from '../version.js';
import { COMMANDS, type CommandSpec } from './commands.js';

export type CommandLine = { kind: 'run'; spec: CommandSpec; cmd: ParsedCommand } | { kind: 'print'; text: string; code: number };

const SETTINGS = `Settings come from the environment (see the README): TASKLANE_DATABASE_URL (postgres://…, a folder,
or memory://; default ~/.tasklane/data), TASKLANE_PROJECT, TASKLANE_LOG_LEVEL, TASKLANE_LEASE_SECONDS,
TASKLANE_GIT_AUTO, TASKLANE_BOARD_HOST (on|off); over HTTP also TASKLANE_HTTP_TOKEN, TASKLANE_ALLOWED_HOSTS;
TASKLANE_EMBEDDINGS (ollama|off), OLLAMA_HOST, TASKLANE_EMBED_MODEL.
`;

function topHelp(): string {
  const lines = COMMANDS.map((c) => `  tasklane ${c.name} ${c.synopsis}\n      ${c.summary}`);
  return `tasklane ${VERSION} — a shared task board for AI agents, over MCP\n\nUsage:\n  tasklane                 serve MCP over stdio\n${lines.join('\n')}\n  tasklane --version\n\n` +
    `tasklane COMMAND --help says more about a command.\n\n${SETTINGS}`;
}

function commandHelp(spec: CommandSpec): string {
  return `Usage: tasklane ${spec.name} ${spec.synopsis}\n\n${spec.summary}\n${spec.details ? `\n${spec.details}\n` : ''}`;
}

const refuse = (text: string): CommandLine => ({ kind: 'print', text: `tasklane: ${text}\n`, code: 2 });
const suggestion = (word: string, candidates: string[], prefix = '') => {
  const match = closest(word, candidates);
  return match ? `; did you mean ${prefix}${match}?` : '';
};

/** The command line, parsed strictly: an unknown command, flag or action is refused with the closest match. */
export function parseCommandLine(argv: string[]): CommandLine {
  const [first, second] = argv;
  if (first === '--version' || first === '-v') return { kind: 'print', text: `${VERSION}\n`, code: 0 };
  if (first === '--help' || first === '-h' || (first === 'help' && !second)) return { kind: 'print', text: topHelp(), code: 0 };
  if (first === 'help') {
    const spec = COMMANDS.find((c) => c.name === second);
    return spec ? { kind: 'print', text: commandHelp(spec), code: 0 } : refuse(`unknown command "${second}"${suggestion(second, COMMANDS.map((c) => c.name))}`);
  }
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'serve';
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) return refuse(`unknown command "${name}"${suggestion(name, COMMANDS.map((c) => c.name))} (tasklane --help lists them)`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: named ? argv.slice(1) : argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const hint = suggestion(unknown.replace(/^-+/, ''), Object.keys(spec.options), '--');
      return refuse(`${spec.name}: unknown option ${unknown}${hint} (tasklane ${spec.name} --help)`);
    }
    return refuse(`${spec.name}: ${message.split('\n')[0].replace(/\. To specify.*$/, '')}`);
  }
  if (parsed.values.help) return { kind: 'print', text: commandHelp(spec), code: 0 };
  const { positionals } = parsed;
  const usage = `usage: tasklane ${spec.name} ${spec.synopsis}`;
  if (positionals.length < spec.positionals.min) return refuse(`${spec.name}: missing arguments; ${usage}`);
  if (positionals.length > spec.positionals.max) return refuse(`${spec.name}: unexpected argument "${positionals[spec.positionals.max]}"; ${usage}`);
  if (spec.actions && positionals[0] !== undefined && !spec.actions.includes(positionals[0])) {
    return refuse(`${spec.name}: unknown action "${positionals[0]}"${suggestion(positionals[0], spec.actions)}; ${usage}`);
  }
  const { help: _help, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  return { kind: 'run', spec, cmd: { name: spec.name, values, positionals } };
}
