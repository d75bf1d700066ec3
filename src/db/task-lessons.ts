import { LESSON_COLUMNS, type StoredLesson } from './lessons.js';
import type { Db } from './schema.js';

/**
 * The lessons recorded against one task of a project, newest first. A global lesson keeps its
 * task_id but not its project, so it cannot be told apart from another project's task of the same id:
 * only this project's lessons are listed.
 */
export async function selectLessonsOfTask(db: Db, projectId: string, taskId: string, limit: number): Promise<StoredLesson[]> {
  return db
    .selectFrom('lessons')
    .select([...LESSON_COLUMNS])
    .where('project_id', '=', projectId)
    .where('task_id', '=', taskId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
