import { DomainError } from '../tasks/errors.js';

/** What a credential may do, widest last: each role may do everything the one before it may. */
export const ROLES = ['reader', 'worker', 'orchestrator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling over HTTP and what they may touch. `projects: 'all'` covers every project. */
export type Access = {
  /** The token's name (`admin` for TASKLANE_HTTP_TOKEN) or `oauth:<subject>`: what the audit log records. */
  credential: string;
  role: Role;
  projects: string[] | 'all';
};

/** The lowest role that may call each MCP tool. A tool not listed here is refused to everyone but admin. */
const TOOL_ROLE: Record<string, Role> = {
  read_task_breakdown: 'reader',
  search_lessons: 'reader',
  get_next_task: 'worker',
  mark_task_status: 'worker',
  heartbeat: 'worker',
  record_lesson: 'worker',
  write_task_list: 'orchestrator',
  update_task: 'orchestrator',
  import_tracker: 'orchestrator',
};

/** The lowest role for each of the web board's human actions (reading the board needs orchestrator). */
const BOARD_ACTION_ROLE: Record<string, Role> = {
  view: 'orchestrator',
  note: 'orchestrator',
  priority: 'orchestrator',
  retry: 'admin',
  cancel: 'admin',
};

const rank = (role: Role) => ROLES.indexOf(role);
export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);
const atLeast = (access: Access, role: Role) => rank(access.role) >= rank(role);

export const mayCallTool = (access: Access, tool: string) => atLeast(access, TOOL_ROLE[tool] ?? 'admin');
export const mayBoardAction = (access: Access, action: string) => atLeast(access, BOARD_ACTION_ROLE[action] ?? 'admin');
export const mayUseProject = (access: Access, project: string) => access.projects === 'all' || access.projects.includes(project);

/** The project a call without one works on: the server's default, or the token's only project. */
export function defaultProjectFor(access: Access, serverDefault: string): string {
  if (access.projects === 'all' || access.projects.includes(serverDefault) || access.projects.length !== 1) return serverDefault;
  return access.projects[0];
}

const describe = (access: Access) => `credential "${access.credential}" (role ${access.role})`;

export function toolForbidden(access: Access, tool: string): DomainError {
  return new DomainError('forbidden', `${describe(access)} may not call ${tool}: it needs role ${TOOL_ROLE[tool] ?? 'admin'}; ask an admin for a token with that role`);
}

export function checkProject(access: Access, project: string, what: string): void {
  if (mayUseProject(access, project)) return;
  const covered = access.projects === 'all' ? 'every project' : access.projects.join(', ');
  throw new DomainError('forbidden', `project: ${describe(access)} may not use ${what} on project "${project}"; it covers ${covered}`);
}

export function boardActionForbidden(access: Access, action: string): DomainError {
  return new DomainError('forbidden', `${describe(access)} may not ${action === 'view' ? 'open the board' : `${action} tasks on the board`}: it needs role ${BOARD_ACTION_ROLE[action] ?? 'admin'}`);
}

/**
 * A worker acts only under its own name, so it cannot report on or extend another agent's hold: its
 * agent is the token's name or `<name>/<suffix>` (several agents sharing one token); omitted, the name.
 * It may not force a status either. Other roles act as any agent they name.
 */
export function agentFor(access: Access, agent: string | undefined): string | undefined {
  if (access.role !== 'worker') return agent;
  if (agent === undefined) return access.credential;
  if (agent === access.credential || agent.startsWith(`${access.credential}/`)) return agent;
  throw new DomainError('forbidden', `agent: ${describe(access)} acts as "${access.credential}" or "${access.credential}/<suffix>", not "${agent}"`);
}

/** Whether this credential may only change the status of tasks its agent holds (workers). */
export const holdsOnly = (access: Access | undefined) => access?.role === 'worker';
