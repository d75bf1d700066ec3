import { taskBreakdownJsonWriter } from './export-task-breakdown-json.js';
import { taskStatusMdWriter } from './export-task-status-md.js';
import { tasksMdWriter } from './export-tasks-md.js';
import { taskmasterJsonWriter } from './export-taskmaster-json.js';
import type { TrackerFormatSpec } from './tracker-writer.js';

export const EXPORT_FORMATS = ['md', 'json', 'tasks-md', 'taskmaster'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const TRACKER_FORMATS: Record<ExportFormat, TrackerFormatSpec> = {
  md: { order: 'sections', columns: false, changeLog: true, writer: taskStatusMdWriter },
  json: { order: 'seq', columns: false, changeLog: false, writer: taskBreakdownJsonWriter },
  'tasks-md': { order: 'sections', columns: true, changeLog: true, writer: tasksMdWriter },
  taskmaster: { order: 'families', columns: false, changeLog: false, writer: taskmasterJsonWriter },
};
