import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

// Run through zod, the SDK's JSONRPCMessageSchema cost a tenth of the server's own CPU per tool call
// (and the SDK checks each request's params against the method's own schema after). The plain shapes
// that make up nearly every message are checked by hand; anything else still goes through the schema.

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v));
const onlyKeys = (value: Fields, allowed: readonly string[]) => Object.keys(value).every((k) => allowed.includes(k));
/** An object without `_meta` (whose rules only the schema knows), or absent when it may be. */
const plain = (v: unknown, optional: boolean) => (v === undefined ? optional : isObject(v) && !('_meta' in v));

const CALL = ['jsonrpc', 'id', 'method', 'params'];
const NOTIFICATION = ['jsonrpc', 'method', 'params'];
const RESULT = ['jsonrpc', 'id', 'result'];

/** A request, notification or result response of the plainest shape, which the schema is sure to accept. */
function isPlain(value: unknown): value is JSONRPCMessage {
  if (!isObject(value) || value.jsonrpc !== '2.0') return false;
  if (typeof value.method === 'string') {
    const shape = 'id' in value ? CALL : NOTIFICATION;
    return (!('id' in value) || isId(value.id)) && onlyKeys(value, shape) && plain(value.params, true);
  }
  return isId(value.id) && onlyKeys(value, RESULT) && plain(value.result, false);
}

/** The value as a JSON-RPC 2.0 request, notification or response, or undefined when it is none of them. */
export function asJsonRpcMessage(value: unknown): JSONRPCMessage | undefined {
  if (isPlain(value)) return value;
  const checked = JSONRPCMessageSchema.safeParse(value);
  return checked.success ? checked.data : undefined;
}
