/** Something an import left out or changed, and why; `file` when the tracker is a folder of files. */
export type Skipped = { line: number; reason: string; file?: string };

/** Skipped lines in file order (folder trackers: by file, then line). */
export const bySource = (a: Skipped, b: Skipped) => (a.file ?? '').localeCompare(b.file ?? '') || a.line - b.line;
