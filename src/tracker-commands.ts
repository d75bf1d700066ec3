import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import type { App } from './app.js';
import type { CommandIo, Progress } from './commands/command-io.js';
import { commitFile, requireRepository } from './git/commit-file.js';
import { EXPORT_FORMATS, type ExportFormat, TRACKER_FORMATS } from './trackers/export-tracker.js';
import { committedTracker, sameTrackerFiles, writeStreamed } from './trackers/tracker-files.js';
import { readBacklogFolder } from './trackers/backlog-folder.js';
import { boardProjects } from './trackers/board-projects.js';
import { combineImports, importsSummary } from './trackers/import-summary.js';
import { parseBacklogFiles } from './trackers/parse-backlog-md.js';
import { FORMAT_CHOICES, noTasksFound, parseTrackerBoards, trackerFormat } from './trackers/parse-tracker.js';
import type { ParsedTracker, TrackerFormat } from './trackers/types.js';

export class UsageError extends Error {}

/** What a tracker of each export format is usually called. */
const USUAL_NAME: Record<ExportFormat, string> = { md: 'TASK-STATUS.md', json: 'task-breakdown.json', 'tasks-md': 'tasks.md', taskmaster: 'tasks.json' };

const DISK_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG', 'EIO']);

/** Runs a write to --out FILE; a file system's refusal names the file as given (not the side file written first) and why. */
async function cannotWrite(file: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const { errno, code = '', syscall, path: where } = err as NodeJS.ErrnoException;
    // The file system's errors name a path or the disk; a database connection's (ECONNRESET, EPIPE) pass on.
    if (typeof errno !== 'number' || !syscall || (where === undefined && !DISK_ERRORS.has(code))) throw err;
    const why = code === 'ENOTDIR' || (code === 'EEXIST' && syscall === 'mkdir') ? 'a part of its path is a file, not a folder' : (util.getSystemErrorMap().get(errno)?.[1] ?? code);
    throw new UsageError(`--out ${file}: cannot write it: ${why}`);
  }
}

/** `cwd`: where relative paths start (the caller's folder, also when a board host runs the command). */
type Options = { format?: string; out?: string; commit: boolean; dryRun: boolean; cwd?: string };

/** `tasklane import FILE|FOLDER`: parse, import in one transaction, and say what changed and what was skipped. */
export async function importCommand(app: App, project: string, file: string | undefined, options: Options, progress?: (p: Progress) => void): Promise<string> {
  if (!file) throw new UsageError('import needs a file: tasklane import FILE|backlog/ [--project P] [--format F] [--dry-run]');
  const format = options.format ? trackerFormat(options.format) : undefined;
  if (options.format && !format) throw new UsageError(`--format: "${options.format}" is not a tracker format; use ${FORMAT_CHOICES.join(', ')}`);
  const boards = readTracker(path.resolve(options.cwd ?? '.', file), format);
  const none = noTasksFound(boards, '--format');
  if (none) throw new UsageError(`${file}: ${none}`);
  // A bar over the file's tasks, a board (a Taskmaster tag) at a time: each board is a few bulk statements.
  const step = `importing ${file}`;
  const total = boards.reduce((n, b) => n + b.tasks.length, 0);
  let done = 0;
  progress?.({ step, done, total });
  const onBoard = (tasks: number) => progress?.({ step, done: (done += tasks), total });
  const results = await app.board.importBoards(boardProjects(project, boards), { actor: 'tasklane import', dryRun: options.dryRun, onBoard });
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

/**
 * `tasklane export`: the tracker streamed to stdout (through `io`), or to --out (written beside it and
 * moved in place; the old file left alone when its tasks and history are the same), and with --commit
 * committed with a `status: …` message, never pushed.
 */
export async function exportCommand(app: App, project: string, options: Options, io: CommandIo): Promise<string> {
  const format = (options.format ?? 'md') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format: "${options.format}" is not an export format; use ${EXPORT_FORMATS.join(', ')}`);
  if (options.commit && !options.out) throw new UsageError('--commit needs --out FILE: the file to write and commit');
  const total = io.progress ? (await app.board.readTaskBreakdown(project, { limit: 1 })).total_tasks : 0;
  const step = `exporting ${project}`;
  const onBatch = (read: number) => io.progress?.({ step, done: read, total });
  const spec = TRACKER_FORMATS[format];
  if (!options.out) {
    await app.board.exportTo(project, spec, async (text) => {
      io.out(text);
      await io.drain?.();
    }, { onBatch });
    io.progress?.({ step, done: total, total });
    return '';
  }

  const out = path.resolve(options.cwd ?? '.', options.out);
  if (options.commit) await requireRepository(out);
  if (fs.statSync(out, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--out ${options.out}: is a folder; give the file to write, e.g. ${path.join(options.out, USUAL_NAME[format])}`);
  const fresh = `${out}.${process.pid}.tmp`;
  try {
    await cannotWrite(options.out, async () => {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await writeStreamed(fresh, (sink) => app.board.exportTo(project, spec, sink, { onBatch }));
    });
    io.progress?.({ step, done: total, total });
    const unchanged = fs.existsSync(out) && (await sameTrackerFiles(out, fresh));
    if (!unchanged) fs.renameSync(fresh, out);
    if (!options.commit) return `${unchanged ? 'unchanged' : 'wrote'} ${options.out}\n`;
  } finally {
    try {
      fs.rmSync(fresh, { force: true });
    } catch {
      // nothing was written there (a part of the path is not a folder)
    }
  }
  const committed = await committedTracker(out);
  if (committed.same) return `${options.out} is unchanged since the last commit; nothing committed\n`;
  const sha = await commitFile(out, committed.message);
  return `committed ${options.out} (${sha}): ${committed.message}\n`;
}
