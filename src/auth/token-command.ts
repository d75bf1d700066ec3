import type { CommandIo } from '../commands/command-io.js';
import { UsageError } from '../tracker-commands.js';
import type { TokenBook } from './tokens.js';

type Flags = Record<string, string | boolean | undefined>;
const flag = (values: Flags, name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : 'never');

/** `tasklane token create | list | revoke`, for people: the secret is printed once, on stdout alone. */
export async function tokenCommand(tokens: TokenBook, args: string[], values: Flags, io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    if (rest.length) throw new UsageError(`token create takes no words (got "${rest.join(' ')}"); use --name, --role and --project`);
    const name = flag(values, 'name');
    const role = flag(values, 'role');
    const projects = flag(values, 'project');
    if (!name || !role || !projects) throw new UsageError('token create needs --name NAME --role reader|worker|orchestrator|admin --project P[,Q…]|all');
    const list = projects === 'all' ? 'all' : projects.split(',').map((p) => p.trim());
    const { token, access } = await tokens.create({ name, role, projects: list });
    io.err(`token "${access.credential}" created: role ${access.role}, projects ${list === 'all' ? 'all' : list.join(', ')}. It is shown once, below; only its hash is kept.\n`);
    io.out(`${token}\n`);
    return 0;
  }
  if (sub === 'list') {
    if (rest.length) throw new UsageError('token list takes no words');
    const rows = await tokens.list();
    if (!rows.length) {
      io.out('no tokens (tasklane token create --name NAME --role ROLE --project P)\n');
      return 0;
    }
    const table = [['NAME', 'ROLE', 'PROJECTS', 'CREATED', 'LAST USED'], ...rows.map((r) => [r.name, r.role, r.projects?.join(',') ?? 'all', when(r.created_at), when(r.last_used_at)])];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    io.out(table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
    return 0;
  }
  if (sub === 'revoke') {
    if (rest.length !== 1) throw new UsageError('token revoke takes one name: tasklane token revoke NAME');
    await tokens.revoke(rest[0]);
    io.out(`token "${rest[0]}" revoked: every server refuses it within a second\n`);
    return 0;
  }
  throw new UsageError('usage: tasklane token create --name NAME --role ROLE --project P|all | list | revoke NAME');
}
