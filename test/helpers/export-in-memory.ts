import type { Snapshot, SnapshotTask } from '../../src/tasks/snapshot.js';
import { type ExportFormat, TRACKER_FORMATS } from '../../src/trackers/export-tracker.js';
import { columnsOf } from '../../src/trackers/export-tasks-md.js';
import type { ExportHead, TaskOrder } from '../../src/trackers/tracker-writer.js';

/**
 * The tests' oracle for an export: a board held whole in memory, ordered here and written in one
 * piece by the same writers that TaskBoard.exportTo streams from the database's cursors.
 */
export function exportTracker(snapshot: Snapshot, format: ExportFormat): string {
  const spec = TRACKER_FORMATS[format];
  const writer = spec.writer();
  const { tasks } = snapshot;
  const tally = (status: string) => tasks.filter((t) => t.status === status).length;
  const head: ExportHead = {
    project: snapshot.project,
    generated_at: snapshot.generated_at,
    counts: { total: tasks.length, completed: tally('completed'), cancelled: tally('cancelled') },
    ...(spec.columns ? { columns: columnsOf(tasks) } : {}),
  };
  return writer.start(head) + writer.tasks(ordered(tasks, spec.order)) + writer.tasksDone() + (spec.changeLog ? writer.events(snapshot.events) : '') + writer.end();
}

/** The tasks (in write order) in the order a format reads them, as the database's cursors give them. */
function ordered(tasks: SnapshotTask[], order: TaskOrder): SnapshotTask[] {
  if (order === 'sections') return groupTasks(tasks).flatMap((sections) => sections.flat());
  if (order === 'seq') return tasks;
  const ids = new Set(tasks.map((t) => t.id));
  const parentOf = (id: string) => {
    const m = id.match(/^([^.]+)\.([^.]+)$/);
    return m && ids.has(m[1]) ? m[1] : undefined;
  };
  const own = new Map<string, SnapshotTask[]>();
  for (const t of tasks) {
    const parent = parentOf(t.id);
    if (!parent) continue;
    if (!own.has(parent)) own.set(parent, []);
    own.get(parent)!.push(t);
  }
  return tasks.filter((t) => !parentOf(t.id)).flatMap((t) => [t, ...(own.get(t.id) ?? [])]);
}

/**
 * Tasks by phase, then module (each group a list of sections), in board order. Within a group the
 * tasks without a module come first, and tasks without a phase lead: a reader then gives each task
 * back the phase and module it had.
 */
function groupTasks(tasks: SnapshotTask[]): SnapshotTask[][][] {
  const phases = new Map<string | undefined, Map<string | undefined, SnapshotTask[]>>();
  if (tasks.some((t) => !t.phase)) phases.set(undefined, new Map());
  for (const t of tasks) {
    if (!phases.has(t.phase)) phases.set(t.phase, new Map());
    const modules = phases.get(t.phase)!;
    if (!t.module && !modules.has(undefined)) {
      const rest = [...modules];
      modules.clear();
      modules.set(undefined, []);
      for (const [k, v] of rest) modules.set(k, v);
    }
    if (!modules.has(t.module)) modules.set(t.module, []);
    modules.get(t.module)!.push(t);
  }
  return [...phases.values()].map((modules) => [...modules.values()]);
}
