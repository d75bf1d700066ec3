import { insertEvents } from '../db/events.js';
import type { Db } from '../db/schema.js';
import { selectTask } from '../db/tasks.js';
import { invalid, taskNotFound } from './errors.js';

/** A note on a task that changes nothing else (no lease, no status): what a person adds from the board. */
export async function addNote(db: Db, projectId: string, taskId: string, note: string, actor: string) {
  const text = note.trim();
  if (!text) throw invalid('note', 'the note is empty; write something');
  if (text.length > 10_000) throw invalid('note', `the note has ${text.length} characters; keep it under 10,000`);
  const row = await selectTask(db, projectId, taskId);
  if (!row) throw taskNotFound(taskId, projectId);
  await insertEvents(db, [{ project_id: projectId, task_id: row.id, actor, kind: 'note', note: text }]);
  return { project: projectId, task_id: row.id, message: `${row.id}: note added` };
}
