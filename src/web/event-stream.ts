import type { Request, Response } from 'express';
import type { TaskBoard } from '../tasks/board.js';
import type { TaskChange } from '../tasks/change-feed.js';
import type { ProjectOf } from './api-routes.js';

const KEEPALIVE_MS = 20_000;

/**
 * GET /board/events: server-sent events, one `change` per committed change of the project
 * ({task_ids, kind}; empty task_ids means many). EventSource reconnects by itself; the page then
 * re-reads the snapshot, since changes made while it was away are not replayed.
 */
export function eventStream(board: TaskBoard, projectOf: ProjectOf) {
  return (req: Request, res: Response) => {
    const project = projectOf(req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ project })}\n\n`);
    const unsubscribe = board.changes.subscribe((change: TaskChange) => {
      if (change.project !== project) return;
      res.write(`event: change\ndata: ${JSON.stringify({ task_ids: change.task_ids, kind: change.kind })}\n\n`);
    });
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    req.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
    });
  };
}
