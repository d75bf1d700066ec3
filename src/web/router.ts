import express, { type Request, Router } from 'express';
import type { Logger } from '../log.js';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { TaskBoard } from '../tasks/board.js';
import { actionRoutes } from './action-routes.js';
import { apiRoutes } from './api-routes.js';
import { BOARD_ASSETS_DIR, DAGRE_BUNDLE } from './assets.js';
import { mayBoardAction } from '../auth/access.js';
import { type BoardCredentials, boardAccess, clearSessionCookie, OPEN, requireAccess, sameOriginOnly, setAdminCookie, setSessionCookie, tokenAccess } from './auth.js';
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
  /** The admin token of the HTTP server; when set (or with `tokens`), the board asks for a token once and keeps a session cookie. */
  token?: string;
  /** Named tokens: an orchestrator's or admin's signs in too (src/auth/tokens.ts). */
  tokens?: BoardCredentials['tokens'];
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
  const credentials: BoardCredentials = { token, tokens: deps.tokens };
  const authOn = Boolean(token || deps.tokens);
  router.get('/board', async (req, res) => {
    res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
    const access = await boardAccess(req, credentials);
    if (access === OPEN) return void res.type('html').send(boardPage(projectOf(req)));
    if (access && mayBoardAction(access, 'view')) {
      const actions = ['note', 'priority', 'retry', 'cancel'].filter((a) => mayBoardAction(access, a));
      return void res.type('html').send(boardPage(projectOf(req), { credential: access.credential, role: access.role, actions }));
    }
    res.type('html').send(loginPage(projectOf(req), false, deps.tokenHint));
  });
  router.get('/board/signin', (req, res) => {
    const code = req.query.code;
    const project = encodeURIComponent(projectOf(req));
    if (!authOn) return res.redirect(303, `/board?project=${project}`);
    if (token && typeof code === 'string' && deps.signIn?.consume(code)) {
      setAdminCookie(res, token, req.secure);
      return res.redirect(303, `/board?project=${project}`);
    }
    res.set({ 'Content-Security-Policy': CSP });
    res.status(401).type('html').send(loginPage(projectOf(req), false, `That sign-in link was used already or is over 5 minutes old. ${deps.tokenHint ?? ''}`));
  });
  router.post('/board/login', sameOrigin, express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const given = req.body?.project;
    const project = typeof given === 'string' && given !== '' && idProblem(given) === undefined ? given : deps.defaultProject;
    if (!authOn) return res.redirect(303, `/board?project=${encodeURIComponent(project)}`);
    const access = await tokenAccess(req.body?.token, credentials);
    if (!access || !mayBoardAction(access, 'view')) {
      res.set({ 'Content-Security-Policy': CSP });
      const refusal = access ? `Token "${access.credential}" has role ${access.role}; the board needs an orchestrator or admin token.` : undefined;
      return res.status(access ? 403 : 401).type('html').send(loginPage(project, true, deps.tokenHint, refusal));
    }
    const first = access.projects === 'all' || access.projects.includes(project) ? project : access.projects[0];
    setSessionCookie(res, access, req.body.token, credentials, req.secure);
    res.redirect(303, `/board?project=${encodeURIComponent(first)}`);
  });
  router.post('/board/logout', sameOrigin, (_req, res) => {
    clearSessionCookie(res);
    res.redirect(303, '/board');
  });
  router.use('/board/assets', express.static(BOARD_ASSETS_DIR, { index: false, fallthrough: false }));
  router.get('/board/vendor/dagre.esm.js', (_req, res) => {
    res.type('text/javascript').sendFile(DAGRE_BUNDLE);
  });
  const allow = (action: string) => requireAccess(credentials, action, projectOf);
  router.get('/board/events', allow('view'), eventStream(board, projectOf));
  router.use('/board/api', allow('view'), apiRoutes(board, projectOf, deps.lessons));
  router.use('/board/api', sameOrigin, express.json({ limit: '64kb', verify: utf8Only }), actionRoutes(board, projectOf, allow));
  router.use('/board/api', (req, res) => {
    res.status(404).json({ error: 'not_found', message: `no ${req.method} ${req.originalUrl.split('?')[0]}; see the README for the board API` });
  });
  router.use('/board', jsonErrors(log));
  return router;
}
