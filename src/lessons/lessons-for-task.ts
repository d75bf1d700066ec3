import type { TaskRow, Db } from '../db/schema.js';
import { searchLessonsLexical } from '../db/search-lessons.js';
import { roundScore } from './lesson-view.js';

export type AttachedLesson = { id: string; title: string; body: string; score: number };

const MAX_ATTACHED = 3;
const BODY_CHARS = 300;
const QUERY_CHARS = 400;

/**
 * Lessons for a task being handed out: its title, description and module searched on the lexical
 * channel (full text only), this project's lessons first, then global ones. No embedding call here:
 * an Ollama round trip inside the claim transaction would make every claim as slow as the model.
 */
export async function lessonsForTask(db: Db, projectId: string, task: TaskRow): Promise<AttachedLesson[]> {
  const query = [task.title, task.description, task.module].filter(Boolean).join(' ').slice(0, QUERY_CHARS);
  const found = await searchLessonsLexical(db, query, { projectId, includeGlobal: true }, { pool: 2 * MAX_ATTACHED, bodyChars: BODY_CHARS });
  return found
    .sort((a, b) => Number(a.project_id === null) - Number(b.project_id === null) || a.rank - b.rank)
    .slice(0, MAX_ATTACHED)
    .map((l) => ({ id: String(l.id), title: l.title, body: cut(l.body, BODY_CHARS), score: roundScore(1 / (60 + l.rank)) }));
}

const cut = (text: string, max: number) => (text.length >= max ? `${text.slice(0, max - 1)}…` : text);
