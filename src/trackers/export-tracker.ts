import type { Snapshot } from '../tasks/snapshot.js';
import { exportTaskBreakdownJson } from './export-task-breakdown-json.js';
import { exportTaskStatusMd } from './export-task-status-md.js';
import { exportTasksMd } from './export-tasks-md.js';
import { exportTaskmasterJson } from './export-taskmaster-json.js';

export const EXPORT_FORMATS = ['md', 'json', 'tasks-md', 'taskmaster'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const EXPORTERS: Record<ExportFormat, (s: Snapshot) => string> = {
  md: exportTaskStatusMd,
  json: exportTaskBreakdownJson,
  'tasks-md': exportTasksMd,
  taskmaster: exportTaskmasterJson,
};

export const exportTracker = (snapshot: Snapshot, format: ExportFormat) => EXPORTERS[format](snapshot);
