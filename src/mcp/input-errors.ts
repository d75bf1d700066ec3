import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { closest } from '../closest-word.js';
import type { Logger } from '../log.js';
import { describeIssues, fieldPath, restoreProtoKeys } from '../tasks/input-rules.js';
import { rpcError } from './read-errors.js';
import { wrapRequestHandler } from './wrap-handler.js';

type Registered = { inputSchema?: z.ZodType; argsSchema?: z.ZodType };
type SdkInternals = {
  validateToolInput?: (tool: Registered, args: unknown, name: string) => Promise<unknown>;
  _registeredPrompts?: Record<string, Registered>;
};

/** An argument a tool or prompt (`owner`) does not take (a typo, or another one's): refused rather than dropped unseen. */
function unknownArgument(schema: z.ZodType, args: unknown, owner: string): string | undefined {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  if (!shape || args === null || typeof args !== 'object' || Array.isArray(args)) return undefined;
  const names = Object.keys(shape);
  const unknown = Object.keys(args).find((key) => !Object.hasOwn(shape, key));
  if (unknown === undefined) return undefined;
  const meant = closest(unknown, names);
  return `${fieldPath([unknown])}: ${owner} takes no such argument${meant ? `; did you mean ${meant}?` : ''} (its arguments: ${names.join(', ')})`;
}

/** The text every refused input gets: `invalid_input: <field>: <problem>` for each problem (the first few). */
async function checkArguments(schema: z.ZodType, args: unknown, owner: string): Promise<{ data: unknown } | { message: string }> {
  const unknown = unknownArgument(schema, args, owner);
  if (unknown) return { message: `invalid_input: ${unknown}` };
  const parsed = await schema.safeParseAsync(args ?? {});
  if (!parsed.success) return { message: `invalid_input: ${describeIssues(parsed.error.issues)}` };
  const restored = restoreProtoKeys(args, parsed.data);
  if (restored.length) return { message: `invalid_input: ${restored.map((r) => `${fieldPath(r.path)}: ${r.problem}`).join('; ')}` };
  return { data: parsed.data };
}

/**
 * The SDK answers a tool call that fails its input schema with `MCP error -32602: Input validation
 * error: …`, and a prompt's with its own text. Both are replaced here by the documented form,
 * `invalid_input: <field path>: <problem>`: the tool's as an isError result, the prompt's as a
 * JSON-RPC invalid-params error. The SDK keeps these internals private: if that ever changes this
 * throws at startup, never silently.
 */
export function answerInvalidInputs(server: McpServer, log: Logger): void {
  const sdk = server as unknown as SdkInternals;
  if (typeof sdk.validateToolInput !== 'function') throw new Error('answerInvalidInputs: the MCP SDK no longer has McpServer.validateToolInput');
  sdk.validateToolInput = async (tool, args, name) => {
    if (!tool.inputSchema) return undefined;
    const checked = await checkArguments(tool.inputSchema, args, name);
    if ('data' in checked) return checked.data;
    log.info({ tool: name, code: 'invalid_input' }, 'tool call refused');
    // The SDK turns what its validation throws into an isError result with this text.
    throw new Error(checked.message);
  };

  if (!sdk._registeredPrompts) throw new Error('answerInvalidInputs: the MCP SDK no longer keeps McpServer._registeredPrompts');
  wrapRequestHandler<{ name: string; arguments?: unknown }, unknown>(server, 'prompts/get', (getPrompt) => async (request, extra) => {
    const schema = sdk._registeredPrompts?.[request.params.name]?.argsSchema;
    if (schema) {
      const checked = await checkArguments(schema, request.params.arguments, `the prompt ${request.params.name}`);
      if ('message' in checked) throw rpcError(ErrorCode.InvalidParams, checked.message);
    }
    return getPrompt(request, extra);
  });
}
