import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';
import { clientErrorText, toClientError } from '../tasks/client-error.js';

/**
 * Runs one tool call: a structured result plus its text, or an isError result the agent can act on.
 * Domain errors carry their code and fix; anything else is sorted by toClientError, never shown raw.
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
    const answer = toClientError(err, log, { tool, project });
    if (answer.code !== 'internal_error') log.info({ tool, project, code: answer.code }, 'tool call refused');
    return { isError: true, content: [{ type: 'text', text: clientErrorText(answer) }] };
  }
}
