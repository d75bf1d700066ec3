import type { ImportResult } from '../tasks/import-tasks.js';

const counts = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

/** Each line left out, where it was in the file, and why. */
function skippedLines(r: ImportResult): string[] {
  if (!r.skipped_count) return [];
  const lines = [`skipped ${r.skipped_count}:`, ...r.skipped.map((s) => `  ${s.file ? `${s.file}:${s.line}` : `line ${s.line}`}: ${s.reason}`)];
  if (r.skipped_count > r.skipped.length) lines.push(`  … and ${r.skipped_count - r.skipped.length} more`);
  return lines;
}

/** A short report of an import: what changed, counts by status and phase, and each line left out. */
export function importSummary(r: ImportResult): string {
  const lines = [
    `${r.dry_run ? 'dry run (nothing kept): would import' : 'imported'} ${r.format} into ${r.project}: ${r.created} created, ${r.updated} updated, ` +
      `${r.unchanged} unchanged, ${r.events_added} events added; ${r.total_tasks} tasks from the file`,
    `by status: ${counts(r.by_status)}`,
    `by phase: ${counts(r.by_phase)}`,
  ];
  lines.push(...skippedLines(r));
  return lines.join('\n');
}

type BoardFigures = Omit<ImportResult, 'skipped'> & { tag?: string };
export type BoardsImportResult = ImportResult & { boards?: BoardFigures[] };

/**
 * Several boards' results (Taskmaster's tags) as one: the totals, with `project` the first board's,
 * and `boards` each board's own figures. One board's result is returned as it is.
 */
export function combineImports(results: ImportResult[], tags: Array<string | undefined>): BoardsImportResult {
  if (results.length === 1) return results[0];
  const sum = (pick: (r: ImportResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const merge = (pick: (r: ImportResult) => Record<string, number>) => {
    const all: Record<string, number> = {};
    for (const r of results) for (const [k, n] of Object.entries(pick(r))) all[k] = (all[k] ?? 0) + n;
    return all;
  };
  return {
    ...results[0],
    created: sum((r) => r.created),
    updated: sum((r) => r.updated),
    unchanged: sum((r) => r.unchanged),
    events_added: sum((r) => r.events_added),
    total_tasks: sum((r) => r.total_tasks),
    by_status: merge((r) => r.by_status),
    by_phase: merge((r) => r.by_phase),
    skipped_count: sum((r) => r.skipped_count),
    skipped: results.flatMap((r) => r.skipped.map((s) => ({ ...s, reason: `${r.project}: ${s.reason}` }))).slice(0, 50),
    boards: results.map(({ skipped: _skipped, ...r }, i) => (tags[i] === undefined ? r : { ...r, tag: tags[i] })),
  };
}

/** The report of a combined import: the totals, a line for each board, then what was left out. */
export function importsSummary(r: BoardsImportResult): string {
  if (!r.boards) return importSummary(r);
  const verb = r.dry_run ? 'dry run (nothing kept): would import' : 'imported';
  const lines = [
    `${verb} ${r.format}, ${r.boards.length} tags into a project each: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ` +
      `${r.events_added} events added; ${r.total_tasks} tasks from the file`,
    `by status: ${counts(r.by_status)}`,
    ...r.boards.map((b) => `  tag ${b.tag ?? '(none)'} → ${b.project}: ${b.total_tasks} tasks (${b.created} created, ${b.updated} updated, ${b.unchanged} unchanged)`),
  ];
  lines.push(...skippedLines(r));
  return lines.join('\n');
}
