import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';
import { asDomainError } from '../tasks/errors.js';

/**
 * Runs one tool call: a structured result plus its text, or an isError result the agent can act on.
 * Domain errors carry their code and fix; anything else is logged and reported without internals.
 */
export async function runTool<T extends object>(
  log: Logger,
  tool: string,
  project: string,
  work: () => Promise<T>,
  render: (result: T) => string,
): Promise<CallToolResult> {
  const started = performance.now();
  try {
    const result = await work();
    log.debug({ tool, project, ms: Math.round(performance.now() - started) }, 'tool call');
    return { content: [{ type: 'text', text: render(result) }], structuredContent: result as Record<string, unknown> };
  } catch (err) {
    const domain = asDomainError(err);
    if (domain) {
      log.info({ tool, project, code: domain.code }, 'tool call refused');
      return { isError: true, content: [{ type: 'text', text: `${domain.code}: ${domain.message}` }] };
    }
    log.error({ tool, project, err }, 'tool call failed');
    return {
      isError: true,
      content: [{ type: 'text', text: 'internal_error: the call failed inside tasklane and changed nothing; try again, and see the server log if it repeats' }],
    };
  }
}
