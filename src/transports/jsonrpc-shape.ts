import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

// The SDK's JSONRPCMessageSchema, checked by hand: run through zod for every message, it was a tenth of
// the server's own CPU per tool call (the SDK checks each request's params against its own schema after).

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
const onlyKeys = (value: Fields, allowed: readonly string[]) => Object.keys(value).every((k) => allowed.includes(k));
const paramsOk = (value: Fields) => value.params === undefined || (isObject(value.params) && (value.params._meta === undefined || isObject(value.params._meta)));

const REQUEST = ['jsonrpc', 'id', 'method', 'params'];
const NOTIFICATION = ['jsonrpc', 'method', 'params'];
const RESULT = ['jsonrpc', 'id', 'result'];
const ERROR = ['jsonrpc', 'id', 'error'];

function errorOk(error: unknown): boolean {
  return isObject(error) && Number.isInteger(error.code) && typeof error.message === 'string';
}

/** The value as a JSON-RPC 2.0 request, notification or response, or undefined when it is none of them. */
export function asJsonRpcMessage(value: unknown): JSONRPCMessage | undefined {
  if (!isObject(value) || value.jsonrpc !== '2.0') return undefined;
  if (typeof value.method === 'string') {
    const shape = 'id' in value ? REQUEST : NOTIFICATION;
    if ('id' in value && !isId(value.id)) return undefined;
    return onlyKeys(value, shape) && paramsOk(value) ? (value as JSONRPCMessage) : undefined;
  }
  if ('result' in value) return isId(value.id) && isObject(value.result) && onlyKeys(value, RESULT) ? (value as JSONRPCMessage) : undefined;
  if ('error' in value) {
    return (value.id === undefined || isId(value.id)) && errorOk(value.error) && onlyKeys(value, ERROR) ? (value as JSONRPCMessage) : undefined;
  }
  return undefined;
}
