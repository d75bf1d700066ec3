import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';
import { applyChanges, desktopConfigPath, type FileChange, planDesktopInit, planProjectInit } from '../setup/plan-init.js';
import { type ServerEntry, thisServerEntry } from '../setup/server-entry.js';
import type { ParsedCommand } from './command-io.js';

const DONE = { create: 'created', update: 'updated', unchanged: 'unchanged', keep: 'kept' } as const;
const DRY = { create: 'would create', update: 'would update', unchanged: 'unchanged', keep: 'would keep' } as const;

const HOW = { global: 'the tasklane on PATH', npx: 'npx, from the npm registry', local: "this project's own tasklane, through npx", clone: 'this clone, by absolute path' };

function report(changes: FileChange[], dryRun: boolean): string {
  const words = dryRun ? DRY : DONE;
  const width = Math.max(...changes.map((c) => words[c.action].length));
  const lines = changes.map((c) => `  ${words[c.action].padEnd(width)}  ${c.file}: ${c.what}`);
  const count = (a: FileChange['action']) => changes.filter((c) => c.action === a).length;
  const summary = `${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged, ${count('keep')} kept as you have them`;
  return `${lines.join('\n')}\n${dryRun ? `${summary} (dry run: nothing written)` : summary.replaceAll(' to ', ' ').replace('create,', 'created,').replace('update,', 'updated,')}\n`;
}

const describe = (entry: ServerEntry) => `${[entry.command, ...entry.args].join(' ')} (${HOW[entry.how]})`;

/** `tasklane init [FOLDER] [--dry-run] [--force]`, or `tasklane init --desktop`. */
export async function run(cmd: ParsedCommand): Promise<number> {
  const dryRun = cmd.values['dry-run'] === true;
  const force = cmd.values.force === true;
  const entry = thisServerEntry();
  if (cmd.values.desktop) {
    if (cmd.positionals.length) throw new ConfigError('init --desktop takes no folder: it sets up Claude Desktop for this user');
    const file = desktopConfigPath();
    const changes = planDesktopInit(file, entry, force);
    process.stdout.write(`tasklane init: Claude Desktop, ${file}\n  tasklane starts as ${describe(entry)}\n`);
    const backup = dryRun ? undefined : applyChanges(changes, { backup: true });
    process.stdout.write(report(changes, dryRun));
    if (backup) process.stdout.write(`the previous config is in ${backup}\n`);
    if (!dryRun && changes.some((c) => c.action === 'create' || c.action === 'update')) process.stdout.write('Restart Claude Desktop to load it.\n');
    return 0;
  }
  const root = path.resolve(cmd.positionals[0] ?? '.');
  const found = fs.statSync(root, { throwIfNoEntry: false });
  if (!found?.isDirectory()) throw new ConfigError(`${root}: ${found ? 'is a file, not a folder' : 'no such folder'}; give the project folder (default: this one)`);
  const changes = planProjectInit(root, entry, force);
  process.stdout.write(`tasklane init: Claude Code in ${root}\n  tasklane starts as ${describe(entry)}\n`);
  if (!dryRun) applyChanges(changes);
  process.stdout.write(report(changes, dryRun));
  if (!dryRun) {
    process.stdout.write(
      'Next: start Claude Code here (claude) and trust this folder when it asks (tasklane is approved once you do);\n' +
        '/tasklane-plan <PRD or tracker file> plans the work, /tasklane-work [n] works it with n workers, /tasklane-board shows it.\n',
    );
  }
  return 0;
}
