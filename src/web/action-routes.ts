import { Router, type Request } from 'express';
import { z } from 'zod';
import type { TaskBoard } from '../tasks/board.js';
import { invalid } from '../tasks/errors.js';
import type { ProjectOf } from './api-routes.js';

const who = z.string().trim().regex(/^[\w.@ -]{1,40}$/).optional();
const note = z.string().trim().max(10_000).optional();
const bodies = {
  retry: z.object({ as: who, note }),
  cancel: z.object({ as: who, note }),
  note: z.object({ as: who, note: z.string().trim().min(1).max(10_000) }),
  priority: z.object({ as: who, priority: z.union([z.number().int().min(1).max(1000), z.string().min(1).max(20)]) }),
};

function parse<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  const r = schema.safeParse(req.body ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw invalid(i.path.join('.') || 'body', i.message);
  }
  return r.data;
}

/** The person behind an action, as the event's actor. */
const actorOf = (name: string | undefined) => `human:${name?.trim() || 'anonymous'}`;

/** POST /board/api/tasks/:id/…: the few things a person may do; each is an event with actor human:<name>. */
export function actionRoutes(board: TaskBoard, projectOf: ProjectOf): Router {
  const actions = Router();
  actions.post('/tasks/:id/retry', async (req, res) => {
    const b = parse(bodies.retry, req);
    res.json(await board.retryTask(projectOf(req), req.params.id, actorOf(b.as), b.note));
  });
  actions.post('/tasks/:id/cancel', async (req, res) => {
    const b = parse(bodies.cancel, req);
    res.json(await board.cancelTask(projectOf(req), req.params.id, actorOf(b.as), b.note));
  });
  actions.post('/tasks/:id/note', async (req, res) => {
    const b = parse(bodies.note, req);
    res.json(await board.addNote(projectOf(req), req.params.id, b.note, actorOf(b.as)));
  });
  actions.post('/tasks/:id/priority', async (req, res) => {
    const b = parse(bodies.priority, req);
    res.json(await board.updateTask(projectOf(req), { task_id: req.params.id, priority: b.priority, agent: actorOf(b.as) }));
  });
  return actions;
}
