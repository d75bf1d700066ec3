import type { Db } from './schema.js';

export type NewLesson = {
  project_id: string | null;
  task_id: string | null;
  title: string;
  body: string;
  tags: string[];
  created_by: string | null;
};

export const LESSON_COLUMNS = ['id', 'project_id', 'task_id', 'title', 'body', 'tags', 'created_by', 'created_at'] as const;

export type StoredLesson = NewLesson & { id: string; created_at: Date };

export async function insertLesson(db: Db, lesson: NewLesson): Promise<StoredLesson> {
  return db.insertInto('lessons').values(lesson).returning([...LESSON_COLUMNS]).executeTakeFirstOrThrow();
}

export async function taskExists(db: Db, projectId: string, taskId: string): Promise<boolean> {
  const row = await db.selectFrom('tasks').select('id').where('project_id', '=', projectId).where('id', '=', taskId).executeTakeFirst();
  return Boolean(row);
}
