import type { ImportResult } from '../tasks/import-tasks.js';

const counts = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

/** A short report of an import: what changed, counts by status and phase, and each line left out. */
export function importSummary(r: ImportResult): string {
  const lines = [
    `${r.dry_run ? 'dry run (nothing kept): would import' : 'imported'} ${r.format} into ${r.project}: ${r.created} created, ${r.updated} updated, ` +
      `${r.unchanged} unchanged, ${r.events_added} events added; ${r.total_tasks} tasks from the file`,
    `by status: ${counts(r.by_status)}`,
    `by phase: ${counts(r.by_phase)}`,
  ];
  if (r.skipped_count) {
    lines.push(`skipped ${r.skipped_count}:`, ...r.skipped.map((s) => `  line ${s.line}: ${s.reason}`));
    if (r.skipped_count > r.skipped.length) lines.push(`  … and ${r.skipped_count - r.skipped.length} more`);
  }
  return lines.join('\n');
}
