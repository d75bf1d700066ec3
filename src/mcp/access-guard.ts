import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ListResourcesResult, ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { agentFor, checkProject, defaultProjectFor, mayCallTool, mayUseProject, toolForbidden } from '../auth/access.js';
import { accessOf } from '../auth/request-access.js';
import type { Logger } from '../log.js';
import { clientErrorText, toClientError } from '../tasks/client-error.js';
import { DomainError } from '../tasks/errors.js';
import { rpcError } from './read-errors.js';
import { type RequestHandler, wrapRequestHandler } from './wrap-handler.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

type Params = { name?: string; uri?: string; arguments?: Record<string, unknown> };
/** The tools whose `agent` is the holder they act as: a worker's is pinned to its own name. */
const AGENT_TOOLS = new Set(['get_next_task', 'mark_task_status', 'heartbeat', 'record_lesson']);

/** `tasklane://<project>/…`: the project a resource URI names. */
function projectOfUri(uri: string | undefined): string | undefined {
  const m = /^tasklane:\/\/([^/]+)\//.exec(uri ?? '');
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/**
 * Applies the caller's Access (src/auth/access.ts) to every request of a server: tools/list shows only
 * the tools its role may call; a call outside its role or projects is a `forbidden` result; a call
 * without a project works on the token's own; resources and prompts keep to its projects. No Access
 * (stdio, no auth): nothing changes.
 */
export function guardAccess(server: McpServer, log: Logger, serverDefault: string): void {
  const wrap = (method: string, guard: (inner: RequestHandler<Params>) => RequestHandler<Params>) => wrapRequestHandler(server, method, guard);

  wrap('tools/list', (inner) => async (request, extra) => {
    const result = (await inner(request, extra)) as ListToolsResult;
    const access = accessOf(extra as never);
    return access ? { ...result, tools: result.tools.filter((t) => mayCallTool(access, t.name)) } : result;
  });

  wrap('tools/call', (inner) => async (request, extra) => {
    const access = accessOf(extra as never);
    if (!access) return inner(request, extra);
    const tool = request.params.name ?? '';
    const args = { ...(request.params.arguments ?? {}) };
    try {
      if (!mayCallTool(access, tool)) throw toolForbidden(access, tool);
      if (args.project === undefined) args.project = defaultProjectFor(access, serverDefault);
      if (typeof args.project === 'string') checkProject(access, args.project, tool);
      if (AGENT_TOOLS.has(tool)) args.agent = agentFor(access, typeof args.agent === 'string' ? args.agent : undefined);
      if (tool === 'record_lesson' && args.scope === 'global' && access.projects !== 'all') {
        throw new DomainError('forbidden', `scope: credential "${access.credential}" covers only ${access.projects.join(', ')}; a global lesson reaches every project: record it with scope project`);
      }
      if (access.role === 'worker' && args.force === true) throw new DomainError('forbidden', `force: credential "${access.credential}" (role worker) may not force a status; an orchestrator may`);
    } catch (err) {
      const answer = toClientError(err, log, { tool });
      log.info({ tool, credential: access.credential, code: answer.code }, 'tool call refused');
      return { isError: true, content: [{ type: 'text', text: clientErrorText(answer) }] } satisfies CallToolResult;
    }
    return inner({ ...request, params: { ...request.params, arguments: args } }, extra);
  });

  wrap('resources/list', (inner) => async (request, extra) => {
    const result = (await inner(request, extra)) as ListResourcesResult;
    const access = accessOf(extra as never);
    if (!access) return result;
    return { ...result, resources: result.resources.filter((r) => mayUseProject(access, projectOfUri(r.uri) ?? '')) };
  });

  wrap('resources/read', (inner) => async (request, extra) => {
    const access = accessOf(extra as never);
    const project = projectOfUri(request.params.uri);
    if (access && project !== undefined && !mayUseProject(access, project)) {
      throw rpcError(ErrorCode.InvalidParams, `forbidden: project: credential "${access.credential}" (role ${access.role}) may not read resources of project "${project}"`);
    }
    return inner(request, extra);
  });

  wrap('prompts/get', (inner) => async (request, extra) => {
    const access = accessOf(extra as never);
    if (!access) return inner(request, extra);
    const args = { ...(request.params.arguments ?? {}) };
    const given = typeof args.project === 'string' && args.project !== '' ? args.project : undefined;
    const project = given ?? defaultProjectFor(access, serverDefault);
    if (!mayUseProject(access, project)) {
      throw rpcError(ErrorCode.InvalidParams, `forbidden: project: credential "${access.credential}" (role ${access.role}) may not use prompts on project "${project}"`);
    }
    return inner({ ...request, params: { ...request.params, arguments: { ...args, project } } }, extra);
  });
}
