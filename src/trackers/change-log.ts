import type { SnapshotEvent } from '../tasks/snapshot.js';
import { columnKey } from './task-table.js';
import type { TrackerBuilder } from './tracker-builder.js';
import { markdownCell, markdownRows } from './markdown-table.js';

const LOG_COLUMNS = {
  at: ['timestamp', 'time', 'date', 'at'],
  task_id: ['task_id', 'task', 'id'],
  from_status: ['old_status', 'from', 'from_status'],
  to_status: ['new_status', 'to', 'to_status', 'status'],
  agent: ['agent', 'actor', 'by'],
  note: ['notes', 'note', 'comment'],
} as const;

/** Reads a change-log table (Timestamp | Task ID | Old Status | New Status | Agent | Notes) as events; false if it is none. */
export function readChangeLog(header: string[], rows: string[][], line: number, out: TrackerBuilder): boolean {
  const keys = header.map(columnKey);
  const column = (names: readonly string[]) => keys.findIndex((k) => names.includes(k));
  const at = column(LOG_COLUMNS.at);
  const taskId = column(LOG_COLUMNS.task_id);
  if (at < 0 || taskId < 0) return false;
  const from = column(LOG_COLUMNS.from_status);
  const to = column(LOG_COLUMNS.to_status);
  const agent = column(LOG_COLUMNS.agent);
  const note = column(LOG_COLUMNS.note);
  const cell = (row: string[], i: number) => (i < 0 ? '' : markdownCell(row[i] ?? ''));
  rows.forEach((row, r) => {
    const rowLine = line + 2 + r;
    const id = cell(row, taskId);
    const time = out.time(cell(row, at), rowLine, `change log ${id || 'row'}.timestamp`);
    if (!id || !time) {
      if (!cell(row, at) || !id) out.skip(rowLine, 'a change-log row without a time or a task id');
      return;
    }
    const fromStatus = cell(row, from) ? out.status(cell(row, from), rowLine, `change log ${id}`) : undefined;
    const toStatus = cell(row, to) ? out.status(cell(row, to), rowLine, `change log ${id}`) : undefined;
    const text = cell(row, note);
    if (!toStatus && !text) {
      out.skip(rowLine, `change log ${id}: neither a new status nor a note`);
      return;
    }
    out.events.push({
      task_id: id,
      at: time,
      line: rowLine,
      ...(fromStatus ? { from_status: fromStatus } : {}),
      ...(toStatus ? { to_status: toStatus } : {}),
      ...(cell(row, agent) ? { agent: cell(row, agent) } : {}),
      ...(text ? { note: text } : {}),
    });
  });
  return true;
}

/** The events worth a line in a tracker: status changes and notes (not creations or edits). */
const changeLogEvents = (events: SnapshotEvent[]) => events.filter((e) => e.note || (e.from_status && e.to_status));

export const CHANGE_LOG_HEADER = ['Timestamp', 'Task ID', 'Old Status', 'New Status', 'Agent', 'Notes'];

/** Change-log rows (each line ending in a newline) for the events worth a line. */
export function changeLogRows(events: SnapshotEvent[], status: (s: string | undefined) => string, empty: string): string {
  return markdownRows(changeLogEvents(events).map((e) => [e.at, e.task_id, status(e.from_status), status(e.to_status), e.agent ?? empty, e.note ?? empty]), empty);
}
