import type { App } from '../app.js';
import { ConfigError } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { ProjectSettings } from '../db/projects.js';
import { tokenCommand } from '../auth/token-command.js';
import { lessonsCommand } from '../lessons-commands.js';
import { exportCommand, importCommand } from '../tracker-commands.js';
import { type CommandIo, type ParsedCommand, str } from './command-io.js';
import { commandProject } from './command-project.js';
import { requireProject } from './missing-project.js';

/** The client of a command: its folder (relative paths, its git repository) and its TASKLANE_PROJECT. */
export type CommandClient = { cwd: string; project: string | undefined };
/** Set when a board host runs the command for a CLI. */
export type Hosted = { pid: number };

/**
 * The data commands, run on an open board: by the CLI itself when no host owns the folder, or by the
 * board host for a CLI (same code, same output).
 */
export async function executeDataCommand(app: App, cmd: ParsedCommand, client: CommandClient, io: CommandIo, hosted?: Hosted): Promise<number> {
  const project = cmd.name === 'token' ? '' : await commandProject(cmd.values.project, client.project, client.cwd);
  const trackerOptions = {
    format: str(cmd.values.format),
    out: str(cmd.values.out),
    commit: cmd.values.commit === true,
    dryRun: cmd.values['dry-run'] === true,
    cwd: client.cwd,
  };
  switch (cmd.name) {
    case 'status': {
      await requireProject(app.board, project);
      const r = await app.board.readTaskBreakdown(project, { limit: 1 });
      io.out(
        `${project}: ${r.total_tasks} tasks, ${r.progress_percent}% done — ready ${r.ready_count}, pending ${r.pending_count}, ` +
          `in progress ${r.in_progress_count}, review ${r.review_count}, completed ${r.completed_count}, failed ${r.failed_count}, ` +
          `blocked ${r.blocked_count}, cancelled ${r.cancelled_count}\n`,
      );
      return 0;
    }
    case 'project': {
      const current = await app.board.setProjectSettings(project, projectSettingsFrom(cmd.values));
      io.out(`${project}: ${JSON.stringify(current)}\n`);
      return 0;
    }
    case 'import':
      io.out(await importCommand(app, project, cmd.positionals[0], trackerOptions, io.progress));
      return 0;
    case 'export':
      await requireProject(app.board, project);
      io.out(await exportCommand(app, project, trackerOptions, io));
      return 0;
    case 'lessons':
      return lessonsCommand(app, project, cmd.positionals, cmd.values, io);
    case 'token':
      return tokenCommand(app.tokens, cmd.positionals, cmd.values, io);
    case 'migrate': {
      const applied = await migrateToLatest(app.store.db, { embedModel: app.config.embeddings?.model });
      if (applied.length) io.out(`applied: ${applied.join(', ')}\n`);
      else io.out(hosted ? `the board host (pid ${hosted.pid}) migrated the database when it started: it is up to date\n` : 'the database is up to date\n');
      return 0;
    }
    default:
      throw new ConfigError(`${cmd.name} is not a data command`);
  }
}

function projectSettingsFrom(values: Record<string, unknown>): ProjectSettings {
  const settings: ProjectSettings = {};
  const read = (flag: string, min: number, max: number) => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`--${flag}: "${String(raw)}" is not an integer from ${min} to ${max}`);
    return n;
  };
  const lease = read('lease-seconds', 10, 604_800);
  const attempts = read('max-attempts', 1, 100);
  if (lease !== undefined) settings.lease_seconds = lease;
  if (attempts !== undefined) settings.max_attempts = attempts;
  return settings;
}
