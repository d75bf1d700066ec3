import type { StoredLesson } from '../db/lessons.js';
import type { MatchedBy } from './reciprocal-rank-fusion.js';

/** A lesson as stored, for the reader: who recorded it, when, on which task. */
export type StoredLessonView = {
  id: string;
  title: string;
  body: string;
  tags: string[];
  task_id?: string;
  created_by?: string;
  created_at: string;
  scope: 'project' | 'global';
};

/** A lesson found by a search, with its fused score and the channels that found it. */
export type LessonView = StoredLessonView & { score: number; matched_by: MatchedBy };

export const roundScore = (score: number) => Math.round(score * 10_000) / 10_000;

export function storedLessonView(row: StoredLesson): StoredLessonView {
  return {
    id: String(row.id),
    title: row.title,
    body: row.body,
    tags: row.tags,
    ...(row.task_id ? { task_id: row.task_id } : {}),
    ...(row.created_by ? { created_by: row.created_by } : {}),
    created_at: new Date(row.created_at).toISOString(),
    scope: row.project_id === null ? 'global' : 'project',
  };
}

export function lessonView(row: StoredLesson, score: number, matchedBy: MatchedBy): LessonView {
  return { ...storedLessonView(row), score: roundScore(score), matched_by: matchedBy };
}
