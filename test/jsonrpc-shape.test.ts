import fc from 'fast-check';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { asJsonRpcMessage } from '../src/transports/jsonrpc-shape.js';

// The hand check stands in for the SDK's schema on every message read: it must accept and refuse exactly what the schema does.
const id = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.maxSafeInteger(), fc.constantFrom(2 ** 53, -(2 ** 53)), fc.double(), fc.constant(null), fc.boolean());
const loose = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 3 }), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.constantFrom('a', '_meta', 'name'), fc.oneof(fc.integer(), fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 })), { maxKeys: 2 }));
const error = fc.oneof(loose, fc.record({ code: fc.oneof(fc.integer(), fc.constant(2 ** 53), fc.double(), fc.string({ maxLength: 2 })), message: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), data: loose, extra: loose }, { requiredKeys: [] }));
const message = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), fc.integer()),
    id,
    method: fc.oneof(fc.constant('tools/call'), fc.integer()),
    params: loose,
    result: loose,
    error,
    other: loose,
  },
  { requiredKeys: [] },
);

describe('a JSON-RPC message checked by hand (engine-neutral)', () => {
  it('accepts and refuses exactly what the SDK schema does', () => {
    fc.assert(
      fc.property(fc.oneof(message, loose), (value) => {
        const json = JSON.parse(JSON.stringify(value ?? null)) as unknown; // as read off the wire: no undefined values
        expect(asJsonRpcMessage(json) !== undefined, JSON.stringify(json)).toBe(JSONRPCMessageSchema.safeParse(json).success);
      }),
      { numRuns: 20_000 },
    );
  });

  it('passes the message on', () => {
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get_next_task', arguments: { agent: 'a' }, _meta: { progressToken: 1 } } };
    expect(asJsonRpcMessage(call)).toEqual(call);
    const plain = { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'heartbeat', arguments: {} } };
    expect(asJsonRpcMessage(plain)).toBe(plain); // the common shape is taken as it is, without a copy
    expect(asJsonRpcMessage({ jsonrpc: '2.0', id: 7, error: { code: -32600, message: 'no' } })).toBeDefined();
    expect(asJsonRpcMessage({ jsonrpc: '2.0', id: 7.5, method: 'ping' })).toBeUndefined();
  });
});
