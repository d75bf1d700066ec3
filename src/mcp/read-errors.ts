import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';
import { clientErrorText, toClientError } from '../tasks/client-error.js';

/** MCP's code for a resource that does not exist. */
export const RESOURCE_NOT_FOUND = -32002;

/** A JSON-RPC error sent with this code and exactly this message (McpError would prefix `MCP error <code>: `). */
export function rpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Runs a prompt or resource read: a failure becomes a JSON-RPC error with the documented text
 * (`invalid_input: …`, `not_found: …`, `internal_error (ref …): …`), never database text.
 */
export async function answerRead<T>(log: Logger, context: { prompt?: string; resource?: string }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const answer = toClientError(err, log, context);
    const notFound = answer.code === 'not_found' && context.resource ? RESOURCE_NOT_FOUND : undefined;
    const code = notFound ?? (answer.code === 'invalid_input' || answer.code === 'not_found' ? ErrorCode.InvalidParams : ErrorCode.InternalError);
    throw rpcError(code, clientErrorText(answer));
  }
}
