import { Router, type Request } from 'express';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { TaskBoard } from '../tasks/board.js';
import { SNAPSHOT_MAX } from '../tasks/board-snapshot.js';
import { LIMITS } from '../tasks/input-rules.js';
import { idParam, idPathParam, intParam, textParam } from './query.js';

export type ProjectOf = (req: Request) => string;

/** GET /board/api/…: the board's read-only JSON, every list paged or bounded. */
export function apiRoutes(board: TaskBoard, projectOf: ProjectOf, lessons?: LessonBook): Router {
  const api = Router();
  api.get('/snapshot', async (req, res) => {
    res.json(await board.boardSnapshot(projectOf(req), { offset: intParam(req, 'offset', 0, 1e9), limit: intParam(req, 'limit', 1, SNAPSHOT_MAX) }));
  });
  api.get('/tasks/:id', async (req, res) => {
    res.json(await board.taskDetail(projectOf(req), idPathParam(req), { offset: intParam(req, 'offset', 0, 1e9), limit: intParam(req, 'limit', 1, 1000) }));
  });
  api.get('/tasks/:id/lessons', async (req, res) => {
    if (!lessons) return void res.json({ available: false, recorded: [], relevant: [], message: 'lessons are not available on this server' });
    res.json({ available: true, ...(await lessons.lessonsOfTask(projectOf(req), idPathParam(req))) });
  });
  api.get('/agents', async (req, res) => {
    res.json(await board.agents(projectOf(req)));
  });
  api.get('/progress', async (req, res) => {
    res.json(await board.progress(projectOf(req), intParam(req, 'hours', 1, 24 * 14)));
  });
  api.get('/graph', async (req, res) => {
    res.json(await board.dependencyGraph(projectOf(req), { phase: textParam(req, 'phase', LIMITS.label), task_id: idParam(req, 'task') }));
  });
  api.get('/lessons', async (req, res) => {
    const query = textParam(req, 'q', 1000);
    if (!lessons) return void res.json({ available: false, lessons: [], message: 'lessons are not available on this server' });
    if (!query) return void res.json({ available: true, lessons: [], message: 'type words to search the lessons' });
    res.json({ available: true, ...(await lessons.search(projectOf(req), { query, limit: 20 })) });
  });
  return api;
}
