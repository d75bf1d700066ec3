import type { Snapshot, SnapshotTask } from '../tasks/snapshot.js';
import { changeLogEvents } from './change-log.js';
import { taskBreakdownJsonWriter } from './export-task-breakdown-json.js';
import { taskStatusMdWriter } from './export-task-status-md.js';
import { columnsOf, tasksMdWriter } from './export-tasks-md.js';
import { taskmasterJsonWriter } from './export-taskmaster-json.js';
import { groupTasks, tally } from './group-tasks.js';
import type { ExportHead, TaskOrder, TrackerFormatSpec } from './tracker-writer.js';

export const EXPORT_FORMATS = ['md', 'json', 'tasks-md', 'taskmaster'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const TRACKER_FORMATS: Record<ExportFormat, TrackerFormatSpec> = {
  md: { order: 'sections', columns: false, changeLog: true, writer: taskStatusMdWriter },
  json: { order: 'seq', columns: false, changeLog: false, writer: taskBreakdownJsonWriter },
  'tasks-md': { order: 'sections', columns: true, changeLog: true, writer: tasksMdWriter },
  taskmaster: { order: 'families', columns: false, changeLog: false, writer: taskmasterJsonWriter },
};

/**
 * A board held whole in memory (a few tasks, or a test's reference), written in one piece. A board
 * of any size is exported by TaskBoard.exportTo, which streams the same writers from the database.
 */
export function exportTracker(snapshot: Snapshot, format: ExportFormat): string {
  const spec = TRACKER_FORMATS[format];
  const writer = spec.writer();
  const { tasks } = snapshot;
  const head: ExportHead = {
    project: snapshot.project,
    generated_at: snapshot.generated_at,
    counts: { total: tasks.length, completed: tally(tasks, 'completed'), cancelled: tally(tasks, 'cancelled') },
    ...(spec.columns ? { columns: columnsOf(tasks) } : {}),
  };
  return (
    writer.start(head) +
    writer.tasks(ordered(tasks, spec.order)) +
    writer.tasksDone() +
    (spec.changeLog ? writer.events(changeLogEvents(snapshot.events)) : '') +
    writer.end()
  );
}

/** The tasks (in write order) in the order a format reads them, as the database's cursors give them. */
function ordered(tasks: SnapshotTask[], order: TaskOrder): SnapshotTask[] {
  if (order === 'sections') return groupTasks(tasks).flatMap((g) => g.sections.flatMap((s) => s.tasks));
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
