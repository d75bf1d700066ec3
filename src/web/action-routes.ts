import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { TaskBoard } from '../tasks/board.js';
import { DomainError } from '../tasks/errors.js';
import { describeIssues, LIMITS, textString } from '../tasks/input-rules.js';
import type { ProjectOf } from './api-routes.js';
import { idPathParam } from './query.js';

const who = z.string().trim().regex(/^[\w.@ -]{1,40}$/).optional();
// A note from the page is trimmed (a form's stray spaces), then held to the rules of every stored text.
const note = z.string().trim().pipe(textString(LIMITS.note)).optional();
const noteText = z.string().trim().min(1).pipe(textString(LIMITS.note));
const bodies = {
  retry: z.object({ as: who, note }),
  cancel: z.object({ as: who, note }),
  note: z.object({ as: who, note: noteText }),
  priority: z.object({ as: who, priority: z.union([z.number().int().min(1).max(1000), z.string().min(1).max(20)]) }),
};

function parse<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  const r = schema.safeParse(req.body ?? {});
  if (!r.success) {
    throw new DomainError('invalid_input', describeIssues(r.error.issues, 3, 'body'));
  }
  return r.data;
}

/** The person behind an action, as the event's actor. */
const actorOf = (name: string | undefined) => `human:${name?.trim() || 'anonymous'}`;

/** POST /board/api/tasks/:id/…: the few things a person may do; each is an event with actor human:<name>. */
/** `allow(action)`: the middleware that lets through only a credential whose role may take that action. */
export function actionRoutes(board: TaskBoard, projectOf: ProjectOf, allow: (action: string) => RequestHandler): Router {
  const actions = Router();
  actions.post('/tasks/:id/retry', allow('retry'), async (req, res) => {
    const b = parse(bodies.retry, req);
    res.json(await board.retryTask(projectOf(req), idPathParam(req), actorOf(b.as), b.note));
  });
  actions.post('/tasks/:id/cancel', allow('cancel'), async (req, res) => {
    const b = parse(bodies.cancel, req);
    res.json(await board.cancelTask(projectOf(req), idPathParam(req), actorOf(b.as), b.note));
  });
  actions.post('/tasks/:id/note', allow('note'), async (req, res) => {
    const b = parse(bodies.note, req);
    res.json(await board.addNote(projectOf(req), idPathParam(req), b.note, actorOf(b.as)));
  });
  actions.post('/tasks/:id/priority', allow('priority'), async (req, res) => {
    const b = parse(bodies.priority, req);
    res.json(await board.updateTask(projectOf(req), { task_id: idPathParam(req), priority: b.priority, agent: actorOf(b.as) }));
  });
  return actions;
}
