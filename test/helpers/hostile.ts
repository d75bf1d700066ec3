import fc from 'fast-check';

// Hostile inputs for the property-based tests: what a confused agent or a careless script sends.

export const CONTROL = ['\u0000', '\u0001', '\u0007', '\u001b[31m', '\u001b]0;title\u0007', '\u007f', '\u0085', '\u009b'];
export const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u202e', '\u2066', '\u2028', '\u2029'];
export const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\udfff\ud800'];
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
export const BLANKS = ['', ' ', '   ', '\t', '\n', '\u00a0', '\u3000', ' \n\t '];

/** Nested arrays or objects, `depth` levels deep, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { d: value };
  return value;
}

/** An object with own `__proto__` and `constructor` keys, as JSON.parse makes them (a literal would set the prototype). */
export const protoObject = () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"toString":"s"}') as Record<string, unknown>;

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...PROTO_KEYS, ...BLANKS), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...CONTROL, ...INVISIBLE, ...LONE_SURROGATES), fc.string({ maxLength: 6 }))
      .map(([a, c, b]) => a + c + b),
    weight: 5,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 2 },
  { arbitrary: fc.constantFrom(201, 10_000, 100_001).map((n) => 'x'.repeat(n)), weight: 1 },
  { arbitrary: fc.constantFrom("'; drop table tasks; --", '%00', '\\u0000', '{{project}}', '../../etc/passwd', 'T1 ', ' T1', 'T\u200b1'), weight: 1 },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, -1, 0, -0, 1.5, 0.1, 1e21, 1e308, -1e308, 2 ** 53 + 2, 1001, 1e9 + 1),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const hostileTime: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z', '10000-01-01', '2026-02-30T00:00:00Z', 'yesterday', '2026-03-02T09:20:11', '2026-03-02', '1',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(20, 21, 64, 1000), fc.constantFrom('array' as const, 'object' as const))
  .map(([depth, kind]) => nested(depth, kind));

export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  deepValue,
  fc.constant(null).map(protoObject),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, [], {}),
);

/** A field: values it takes, and hostile values of its kind. */
export type FieldSpec = { valid: fc.Arbitrary<unknown>; hostile: fc.Arbitrary<unknown> };
const spec = (valid: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown>): FieldSpec => ({ valid, hostile });

export const idField = (pool: string[]) => spec(fc.oneof(fc.constantFrom(...pool), fc.stringMatching(/^[A-Z][A-Za-z0-9.-]{0,8}$/)), hostileString);
export const textField = () => spec(fc.oneof(fc.string({ maxLength: 40 }), fc.lorem({ maxCount: 8 })), hostileString);
export const labelField = (pool: string[]) => spec(fc.constantFrom(...pool), hostileString);
export const intField = (min: number, max: number) => spec(fc.integer({ min, max }), hostileNumber);
export const boolField = () => spec(fc.boolean(), fc.constantFrom('true', 1, 0, null));
export const timeField = () => spec(fc.constantFrom('2026-03-02T09:20:11Z', '2025-12-31'), hostileTime);
export const enumField = (values: string[]) => spec(fc.constantFrom(...values), fc.oneof(hostileString, fc.constantFrom(...PROTO_KEYS)));
export const statusField = () => enumField(['pending', 'in_progress', 'done', 'completed', 'failed', 'blocked', 'review', 'cancelled', 'todo', 'in-progress']);
export const priorityField = () => spec(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom('high', 'critical', 'low', 'P1')), fc.oneof(hostileString, hostileNumber, fc.constantFrom(...PROTO_KEYS)));

/** A list of the element's values; hostile: hostile elements, or far more of them than any documented length. */
export const listField = (element: FieldSpec) =>
  spec(
    fc.array(element.valid, { maxLength: 4 }),
    fc.oneof(
      fc.array(fc.oneof(element.valid, element.hostile), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(1001, 100_000).map((n) => Array.from({ length: n }, (_, i) => `D${i}`)),
    ),
  );

/** Extra keys on an object (a task's metadata): prototype keys, hostile names and values, deep nesting. */
export const extraKeys = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS, 'quality_gates', 'owner'), hostileString), hostileJson), { maxLength: 3 });

/** Defines each extra key as an own property, as JSON.parse would (so `__proto__` stays a key). */
export function withKeys<T extends object>(target: T, extras: Array<[string, unknown]>): T {
  for (const [key, value] of extras) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/**
 * Arguments: each optional field present or not with a value it takes; then none, one or two fields
 * (any of them, required or not) replaced by a hostile value of their kind or by any JSON. One bad field
 * at a time reaches the code behind the schema, where a call with many bad fields would stop at the first check.
 */
export function argsOf(fields: Record<string, FieldSpec>, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(fields);
  const valid = fc.record(Object.fromEntries(names.map((n) => [n, fields[n].valid])), { requiredKeys: required as never[] }) as fc.Arbitrary<Record<string, unknown>>;
  const picks = fc.oneof(fc.constant([] as string[]), fc.constantFrom(...names).map((n) => [n]), fc.shuffledSubarray(names, { minLength: 2, maxLength: 2 }));
  const spoiled = picks.chain((keys) =>
    fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof({ arbitrary: fields[k].hostile, weight: 5 }, { arbitrary: hostileJson, weight: 1 })]))),
  );
  return fc.tuple(valid, spoiled).map(([v, s]) => ({ ...v, ...s }));
}
