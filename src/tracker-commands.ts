import fs from 'node:fs';
import path from 'node:path';
import type { App } from './app.js';
import { commitFile, committedText } from './git/commit-file.js';
import { EXPORT_FORMATS, type ExportFormat, exportTracker } from './trackers/export-tracker.js';
import { readBacklogFolder } from './trackers/backlog-folder.js';
import { boardProjects } from './trackers/board-projects.js';
import { combineImports, importsSummary } from './trackers/import-summary.js';
import { parseBacklogFiles } from './trackers/parse-backlog-md.js';
import { FORMAT_CHOICES, parseTrackerBoards, trackerFormat } from './trackers/parse-tracker.js';
import type { ParsedTracker, TrackerFormat } from './trackers/types.js';
import { sameTracker, statusCommitMessage } from './trackers/status-commit-message.js';

export class UsageError extends Error {}

/** `cwd`: where relative paths start (the caller's folder, also when a board host runs the command). */
type Options = { format?: string; out?: string; commit: boolean; dryRun: boolean; cwd?: string };

/** `tasklane import FILE|FOLDER`: parse, import in one transaction, and say what changed and what was skipped. */
export async function importCommand(app: App, project: string, file: string | undefined, options: Options): Promise<string> {
  if (!file) throw new UsageError('import needs a file: tasklane import FILE|backlog/ [--project P] [--format F] [--dry-run]');
  const format = options.format ? trackerFormat(options.format) : undefined;
  if (options.format && !format) throw new UsageError(`--format: "${options.format}" is not a tracker format; use ${FORMAT_CHOICES.join(', ')}`);
  const boards = readTracker(path.resolve(options.cwd ?? '.', file), format);
  if (boards.every((b) => b.tasks.length === 0)) throw new UsageError(noTasksFound(file, boards));
  const results = await app.board.importBoards(boardProjects(project, boards), { actor: 'tasklane import', dryRun: options.dryRun });
  return `${importsSummary(combineImports(results, boards.map((b) => b.tag)))}\n`;
}

/** A tracker file's boards, or a Backlog.md folder's (the `backlog/` folder, or the project folder holding it). */
function readTracker(file: string, format: TrackerFormat | undefined): ParsedTracker[] {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${file}: no such file or folder; give the path of a tracker file or of a Backlog.md backlog/ folder`);
  if (!stat.isDirectory()) return parseTrackerBoards(fs.readFileSync(file, 'utf8'), format);
  const folder = readBacklogFolder(file);
  if (!folder || (format && format !== 'backlog-md')) {
    throw new UsageError(`${file} is a folder but not a Backlog.md backlog/ folder (it has no tasks/ folder or config.yml); give a tracker file or a backlog/ folder`);
  }
  return [parseBacklogFiles(folder.files)];
}

const READABLE = 'task-breakdown.json, Taskmaster tasks.json, Beads issues.jsonl, tasks.md, TASK-STATUS.md, TODO.md, a Backlog.md backlog/ folder';

/** One line: what was read, why nothing came of it, and what the command reads. */
function noTasksFound(file: string, boards: ParsedTracker[]): string {
  const why = boards.flatMap((b) => b.skipped).map((s) => s.reason)[0];
  const read = boards.map((b) => b.format).filter((f, i, all) => all.indexOf(f) === i).join(', ');
  return `${file}: no tasks found (read as ${read}${why ? `: ${why}` : ''}); tasklane import reads ${READABLE} — give --format ${FORMAT_CHOICES.join('|')} if the file is one of them`;
}

/**
 * `tasklane export`: the tracker on stdout, or written to --out (left alone when its tasks and
 * history are the same), and with --commit committed with a `status: …` message, never pushed.
 */
export async function exportCommand(app: App, project: string, options: Options): Promise<string> {
  const format = (options.format ?? 'md') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format: "${options.format}" is not an export format; use ${EXPORT_FORMATS.join(', ')}`);
  if (options.commit && !options.out) throw new UsageError('--commit needs --out FILE: the file to write and commit');
  const text = exportTracker(await app.board.snapshot(project), format);
  if (!options.out) return text;

  const out = path.resolve(options.cwd ?? '.', options.out);
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : undefined;
  const unchanged = current !== undefined && sameTracker(current, text);
  if (!unchanged) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
  }
  if (!options.commit) return `${unchanged ? 'unchanged' : 'wrote'} ${options.out}\n`;
  const committed = await committedText(out);
  if (committed !== undefined && sameTracker(committed, unchanged ? current! : text)) return `${options.out} is unchanged since the last commit; nothing committed\n`;
  const message = statusCommitMessage(committed, unchanged ? current! : text);
  const sha = await commitFile(out, message);
  return `committed ${options.out} (${sha}): ${message}\n`;
}
