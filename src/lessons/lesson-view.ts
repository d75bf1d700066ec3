import type { StoredLesson } from '../db/lessons.js';
import type { MatchedBy } from './reciprocal-rank-fusion.js';

export type LessonView = {
  id: string;
  title: string;
  body: string;
  tags: string[];
  task_id?: string;
  created_by?: string;
  created_at: string;
  scope: 'project' | 'global';
  score: number;
  matched_by: MatchedBy;
};

export const roundScore = (score: number) => Math.round(score * 10_000) / 10_000;

export function lessonView(row: StoredLesson, score: number, matchedBy: MatchedBy): LessonView {
  return {
    id: String(row.id),
    title: row.title,
    body: row.body,
    tags: row.tags,
    ...(row.task_id ? { task_id: row.task_id } : {}),
    ...(row.created_by ? { created_by: row.created_by } : {}),
    created_at: new Date(row.created_at).toISOString(),
    scope: row.project_id === null ? 'global' : 'project',
    score: roundScore(score),
    matched_by: matchedBy,
  };
}
