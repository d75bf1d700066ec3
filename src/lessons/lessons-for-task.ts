import type { TaskRow, Db } from '../db/schema.js';
import { searchLessonsLexical } from '../db/search-lessons.js';
import { roundScore } from './lesson-view.js';

export type AttachedLesson = { id: string; title: string; body: string; score: number };

const MAX_ATTACHED = 3;
// A claim reply stays under ~600 tokens with three of these beside the task.
const TITLE_CHARS = 70;
const BODY_CHARS = 150;
const QUERY_CHARS = 120;

/**
 * Lessons for a task being handed out: its title, module and the start of its description searched
 * on the lexical channel (full text only, fewer candidates per word): this project's lessons, then
 * global ones if fewer than 3 were found. No embedding call here:
 * an Ollama round trip inside the claim transaction would make every claim as slow as the model.
 */
export async function lessonsForTask(db: Db, projectId: string, task: Pick<TaskRow, 'title' | 'module' | 'description'>): Promise<AttachedLesson[]> {
  // The title says what the task is about; a long description mostly adds common words, and every
  // word costs a lookup, so it is cut short (measured in bench/lessons-attach.ts).
  const query = [task.title, task.module, task.description].filter(Boolean).join(' ').slice(0, QUERY_CHARS);
  const options = { pool: MAX_ATTACHED, bodyChars: BODY_CHARS, perTerm: 20, lookups: 4 };
  const found = await searchLessonsLexical(db, query, { projectId, includeGlobal: false }, options);
  if (found.length < MAX_ATTACHED) {
    const global = await searchLessonsLexical(db, query, { projectId, includeGlobal: true, globalOnly: true }, options);
    found.push(...global.map((l) => ({ ...l, rank: l.rank + found.length })));
  }
  return found
    .slice(0, MAX_ATTACHED)
    .map((l) => ({ id: String(l.id), title: cut(l.title, TITLE_CHARS), body: cut(afterTitle(l.body, l.title), BODY_CHARS), score: roundScore(1 / (60 + l.rank)) }));
}

/** A title defaults to the lesson's first line: the body then goes on from where the title ends. */
const afterTitle = (body: string, title: string) => (body.startsWith(title) ? body.slice(title.length).trimStart() || body : body);

const cut = (text: string, max: number) => (text.length >= max ? `${text.slice(0, max - 1)}…` : text);
