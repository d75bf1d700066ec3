import fc from 'fast-check';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withCredential } from '../src/db/acting-credential.js';
import { compileClaim } from '../src/db/claim-next-task.js';
import { compiledOnce } from '../src/db/compiled-once.js';
import { compileFinish } from '../src/db/finish-held-task.js';
import type { Database } from '../src/db/schema.js';
import type { TaskPatch } from '../src/db/tasks.js';

// Compiling needs no connection: the pool is never asked for one.
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: {} as never }) });
const same = (cached: { sql: string; parameters: readonly unknown[] }, anew: { sql: string; parameters: readonly unknown[] }) =>
  expect({ sql: cached.sql, parameters: cached.parameters }).toEqual({ sql: anew.sql, parameters: anew.parameters });

const name = fc.string({ minLength: 1, maxLength: 6 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

describe('statements compiled once per shape', () => {
  it('bind each call’s values into the text its shape compiled to', () => {
    const statement = compiledOnce((_db, shape: { phase: boolean }, v: { project: string; phase: string | undefined }) =>
      sql`select id from tasks where project_id = ${v.project}${shape.phase ? sql` and phase = ${v.phase}` : sql``} and kind = ${'constant'}`);
    const a = statement.compile(db, { phase: true }, { project: 'a', phase: 'p1' });
    const b = statement.compile(db, { phase: true }, { project: 'b', phase: 'p2' });
    const c = statement.compile(db, { phase: false }, { project: 'c', phase: undefined });
    expect(a.sql).toBe(b.sql);
    expect(a.parameters).toEqual(['a', 'p1', 'constant']);
    expect(b.parameters).toEqual(['b', 'p2', 'constant']);
    expect(c.sql).not.toContain('phase');
    expect(c.parameters).toEqual(['c', 'constant']);
  });

  it('a claim from the cache is the claim built afresh, whatever the project, filter, lease, agent and credential', () => {
    const claim = fc.record({
      project: name,
      filter: fc.record({ phase: maybe(name), module: maybe(name), tags: maybe(fc.array(name, { maxLength: 3 })), skipDependencies: maybe(fc.boolean()) }),
      options: fc.record({ agent: fc.option(name, { nil: null }), leaseSeconds: maybe(fc.integer({ min: 1, max: 9999 })), serverLeaseSeconds: fc.integer({ min: 1, max: 9999 }), notifyOrigin: maybe(name) }),
      credential: maybe(name),
    });
    fc.assert(fc.property(fc.array(claim, { minLength: 2, maxLength: 6 }), (claims) => {
      for (const c of claims) {
        const compile = (anew: boolean) => compileClaim(db, c.project, c.filter, c.options, anew);
        const [cached, fresh] = c.credential ? withCredential(c.credential, () => [compile(false), compile(true)]) : [compile(false), compile(true)];
        same(cached, fresh);
      }
    }), { numRuns: 300 });
  });

  it('a holder’s report from the cache is the report built afresh, whatever its patch, event and options', () => {
    const now = () => sql<Date>`now()`;
    const patch = fc.record({
      status: fc.constantFrom('completed', 'failed', 'review', 'blocked', 'cancelled'),
      result: maybe(fc.oneof(name, fc.constant(null))),
      used_tokens: maybe(fc.integer({ min: 0, max: 1e6 })),
      branch: maybe(name),
      commit_sha: maybe(name),
      completed_at: maybe(fc.constantFrom('now', null)),
      assignee: maybe(name),
      lease: maybe(fc.integer({ min: 1, max: 999 })),
    }).map(({ completed_at, lease, ...rest }) => {
      const p: TaskPatch = { ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), status_updated_at: now(), lease_expires_at: null };
      if (completed_at !== undefined) p.completed_at = completed_at === 'now' ? now() : null;
      // An expression with a parameter of its own: that statement is built afresh, and must still be the same.
      if (lease !== undefined) p.heartbeat_at = sql<Date>`now() + make_interval(secs => ${lease})`;
      return p;
    });
    const report = fc.record({
      project: name,
      task: name,
      patch,
      event: fc.record({ actor: fc.option(name, { nil: null }), kind: fc.constantFrom('status', 'report'), from_status: fc.constant('in_progress'), to_status: name, note: fc.option(name, { nil: null }), data: fc.option(fc.record({ result: name }), { nil: null }) }),
      options: fc.record({ agent: name, completes: fc.boolean(), expectedVersion: maybe(fc.integer({ min: 1, max: 99 })), notifyOrigin: maybe(name), kind: name, serialize: maybe(fc.boolean()) }),
    });
    fc.assert(fc.property(fc.array(report, { minLength: 2, maxLength: 6 }), (reports) => {
      for (const r of reports) {
        const event = { ...r.event, project_id: r.project, task_id: r.task };
        same(compileFinish(db, r.project, r.task, r.patch, event, r.options), compileFinish(db, r.project, r.task, r.patch, event, r.options, true));
      }
    }), { numRuns: 300 });
  });
});
