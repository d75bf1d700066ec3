import { z } from 'zod';
import { idString, LIMITS, labelString, listOf, requiredText, textString } from '../tasks/input-rules.js';
import { projectField } from '../tasks/inputs.js';

export const MAX_LESSON_CHARS = 8000;

const tags = listOf(labelString(), LIMITS.tags);
const taskId = idString();

export const recordLessonInput = {
  project: projectField,
  lesson: requiredText(MAX_LESSON_CHARS),
  title: textString(200).optional(),
  tags: tags.optional(),
  task_id: taskId.optional(),
  agent: idString().optional(),
  scope: z.enum(['project', 'global']).optional(),
};

export const searchLessonsInput = {
  query: requiredText(1000),
  project: projectField,
  tags: tags.optional(),
  task_id: taskId.optional(),
  limit: z.number().int().min(1).max(50).optional(),
  include_global: z.boolean().optional(),
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;
export type RecordLessonInput = Shape<typeof recordLessonInput>;
export type SearchLessonsInput = Shape<typeof searchLessonsInput>;
