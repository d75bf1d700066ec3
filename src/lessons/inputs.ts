import { z } from 'zod';
import { projectField } from '../tasks/inputs.js';

export const MAX_LESSON_CHARS = 8000;

const tags = z.array(z.string());
const taskId = z.string();

export const recordLessonInput = {
  project: projectField,
  lesson: z.string().trim().min(1).max(MAX_LESSON_CHARS),
  title: z.string().max(200).optional(),
  tags: tags.optional(),
  task_id: taskId.optional(),
  agent: z.string().optional(),
  scope: z.enum(['project', 'global']).optional(),
};

export const searchLessonsInput = {
  query: z.string().trim().min(1).max(1000),
  project: projectField,
  tags: tags.optional(),
  task_id: taskId.optional(),
  limit: z.number().int().min(1).max(50).optional(),
  include_global: z.boolean().optional(),
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;
export type RecordLessonInput = Shape<typeof recordLessonInput>;
export type SearchLessonsInput = Shape<typeof searchLessonsInput>;
