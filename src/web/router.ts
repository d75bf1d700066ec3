import express, { type Request, Router } from 'express';
import type { Logger } from '../log.js';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { TaskBoard } from '../tasks/board.js';
import { actionRoutes } from './action-routes.js';
import { apiRoutes } from './api-routes.js';
import { BOARD_ASSETS_DIR, DAGRE_BUNDLE } from './assets.js';
import { clearSessionCookie, isAuthorized, requireAuth, sameOriginOnly, setSessionCookie, tokenMatches } from './auth.js';
import { eventStream } from './event-stream.js';
import { jsonErrors, utf8Only } from './http-errors.js';
import { boardPage, loginPage } from './page.js';
import { idParam, strictUrl } from './query.js';
import { idProblem } from '../tasks/input-rules.js';

export type BoardDeps = {
  board: TaskBoard;
  /** The lessons tab searches these; left out, the tab says lessons are not available. */
  lessons?: LessonBook;
  log: Logger;
  defaultProject: string;
  /** The bearer token of the HTTP server; when set, the board asks for it once and keeps a session cookie. */
  token?: string;
  /** Origins besides the server's own that may post actions (e.g. behind a proxy). */
  allowedOrigins?: string[];
  /** Where a person finds the token, said on the sign-in page. */
  tokenHint?: string;
  /** One-time sign-in codes (`tasklane board` prints a link with one). */
  signIn?: { consume(code: string): boolean };
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Everything under /board: the page, its assets, the JSON API, the live event stream and the actions. */
export function createBoardRouter(deps: BoardDeps): Router {
  const { board, log, token } = deps;
  /** ?project=…, checked as an id (never trimmed or cut: a bad one is refused); absent or empty: the default. */
  const projectOf = (req: Request) => idParam(req, 'project') ?? deps.defaultProject;
  const router = Router();
  const sameOrigin = sameOriginOnly(deps.allowedOrigins);

  router.use('/board', (_req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
    next();
  }, strictUrl);
  router.get('/board', (req, res) => {
    res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
    res.type('html').send(isAuthorized(req, token) ? boardPage(projectOf(req)) : loginPage(projectOf(req), false, deps.tokenHint));
  });
  router.get('/board/signin', (req, res) => {
    const code = req.query.code;
    const project = encodeURIComponent(projectOf(req));
    if (!token || (typeof code === 'string' && deps.signIn?.consume(code))) {
      if (token) setSessionCookie(res, token, req.secure);
      return res.redirect(303, `/board?project=${project}`);
    }
    res.set({ 'Content-Security-Policy': CSP });
    res.status(401).type('html').send(loginPage(projectOf(req), false, `That sign-in link was used already or is over 5 minutes old. ${deps.tokenHint ?? ''}`));
  });
  router.post('/board/login', sameOrigin, express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => {
    const given = req.body?.project;
    const project = typeof given === 'string' && given !== '' && idProblem(given) === undefined ? given : deps.defaultProject;
    if (!token) return res.redirect(303, `/board?project=${encodeURIComponent(project)}`);
    if (!tokenMatches(req.body?.token, token)) {
      res.set({ 'Content-Security-Policy': CSP });
      return res.status(401).type('html').send(loginPage(project, true, deps.tokenHint));
    }
    setSessionCookie(res, token, req.secure);
    res.redirect(303, `/board?project=${encodeURIComponent(project)}`);
  });
  router.post('/board/logout', sameOrigin, (_req, res) => {
    clearSessionCookie(res);
    res.redirect(303, '/board');
  });
  router.use('/board/assets', express.static(BOARD_ASSETS_DIR, { index: false, fallthrough: false }));
  router.get('/board/vendor/dagre.esm.js', (_req, res) => {
    res.type('text/javascript').sendFile(DAGRE_BUNDLE);
  });
  router.get('/board/events', requireAuth(token), eventStream(board, projectOf));
  router.use('/board/api', requireAuth(token), apiRoutes(board, projectOf, deps.lessons));
  router.use('/board/api', sameOrigin, requireAuth(token), express.json({ limit: '64kb', verify: utf8Only }), actionRoutes(board, projectOf));
  router.use('/board/api', (req, res) => {
    res.status(404).json({ error: 'not_found', message: `no ${req.method} ${req.originalUrl.split('?')[0]}; see the README for the board API` });
  });
  router.use('/board', jsonErrors(log));
  return router;
}
