import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { databaseFailure } from '../src/db/sqlstate.js';
import { clientErrorText, toClientError } from '../src/tasks/client-error.js';
import { DomainError } from '../src/tasks/errors.js';
import { engines, useTestBoard } from './helpers/engines.js';

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

/** The error a statement fails with on this engine. */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('the statement did not fail');
}

describe.each(engines)('database errors become client errors on %s', (engine) => {
  const ctx = useTestBoard(engine);

  it('sorts real database errors by SQLSTATE and never passes their text on', async () => {
    const { log, lines } = capturedLog();
    const duplicate = await failureOf(() => sql`insert into projects (id, name) values ('dup', 'a'), ('dup', 'b')`.execute(ctx.store.db));
    const nul = await failureOf(() => sql`select ${'a\u0000b'}::text`.execute(ctx.store.db));
    const syntax = await failureOf(() => sql`select 'x'::int`.execute(ctx.store.db));
    const missing = await failureOf(() => sql`select * from no_such_table`.execute(ctx.store.db));
    expect([duplicate, nul, syntax, missing].map(databaseFailure)).toEqual(['conflict', 'bad_value', 'bad_value', 'other']);

    const answers = [duplicate, nul, syntax, missing].map((err) => toClientError(err, log, { tool: 'test' }));
    expect(answers.map((a) => a.code)).toEqual(['conflict', 'invalid_input', 'invalid_input', 'internal_error']);
    for (const a of answers) expect(clientErrorText(a)).not.toMatch(/duplicate key|invalid byte sequence|invalid input syntax|relation|SQLSTATE|0x00/);
    const internal = answers[3];
    expect(clientErrorText(internal)).toMatch(/^internal_error \(ref [0-9a-f]{8}\): /);
    expect(lines.find((l) => l.ref === internal.ref)).toMatchObject({ level: 50, tool: 'test' });
    expect(lines.filter((l) => l.defect === 'unchecked input')).toHaveLength(2);
  });

  it('passes a domain error through as it is', () => {
    const { log } = capturedLog();
    expect(toClientError(new DomainError('not_found', 'task_id: no task "X"'), log, {})).toEqual({ code: 'not_found', message: 'task_id: no task "X"' });
  });
});

describe('lost connections', () => {
  it('answer unavailable: a refused connection, a terminated session, an admin shutdown', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
    const refused = await failureOf(() => client.connect());
    expect(databaseFailure(refused)).toBe('unavailable');
    expect(databaseFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('unavailable');
    expect(databaseFailure(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe('unavailable');
    expect(databaseFailure(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(databaseFailure(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe('retry');
    const { log } = capturedLog();
    expect(clientErrorText(toClientError(refused, log, {}))).toMatch(/^unavailable: the database cannot be reached right now; nothing was changed/);
  });
});
