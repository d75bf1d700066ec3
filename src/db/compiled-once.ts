import { CompiledQuery } from 'kysely';
import type { Db } from './schema.js';

/** Stands for one value while a statement is compiled; the compiled parameters name it. */
class Slot {
  constructor(readonly name: string) {}
}

/** A query builder or an sql`` template: either compiles against the database it will run on. */
type Compiles<R> = { compile(db: Db): CompiledQuery<R> };

type Compiled = { sql: string; parameters: Array<{ slot: string } | { constant: unknown }> };

/**
 * A statement compiled once for each shape and then run with each call's values. Building and
 * compiling the Kysely template of a claim or of a holder's report cost 40–70 µs a call: 5–9% of the
 * CPU of a take-and-finish.
 *
 * `build` makes the statement from `shape` (what decides its SQL text; JSON) and `values` (what it binds):
 * it is called once per shape with a stand-in for every value, so it must choose its SQL by the shape
 * alone and bind every value that varies between calls, never write one into the text or a constant
 * (test/compiled-once.test.ts compares cached and fresh statements over varied calls).
 */
export function compiledOnce<S, V extends Record<string, unknown>, R>(build: (db: Db, shape: S, values: V) => Compiles<R>) {
  const cache = new Map<string, Compiled>();
  return {
    /** The same statement built and compiled anew with these values (what the cache stands for). */
    compileAnew(db: Db, shape: S, values: V): CompiledQuery<R> {
      return build(db, shape, values).compile(db);
    },
    compile(db: Db, shape: S, values: V): CompiledQuery<R> {
      const key = JSON.stringify(shape);
      let compiled = cache.get(key);
      if (!compiled) {
        const slots = Object.fromEntries(Object.keys(values).map((name) => [name, new Slot(name)])) as unknown as V;
        const query = build(db, shape, slots).compile(db);
        compiled = {
          sql: query.sql,
          parameters: query.parameters.map((p) => (p instanceof Slot ? { slot: p.name } : { constant: p })),
        };
        cache.set(key, compiled);
      }
      return CompiledQuery.raw(compiled.sql, compiled.parameters.map((p) => ('slot' in p ? values[p.slot] : p.constant))) as CompiledQuery<R>;
    },
  };
}
