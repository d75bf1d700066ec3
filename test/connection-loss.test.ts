import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isConnectionLoss, markNotSent } from '../src/db/connection-loss.js';
import type { Database } from '../src/db/schema.js';
import { inTransaction, retrying } from '../src/db/transaction.js';
import { asDomainError } from '../src/tasks/errors.js';

// The moments of a lost connection that a real fault test cannot aim at (the COMMIT itself), on a
// stand-in for the database. test/faults-connections.test.ts shows the whole on a real Postgres.
const terminated = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const refused = () => markNotSent(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

/** A database whose transactions run `work`, then fail at COMMIT with `commitError` if given. */
function fakeDb(commitError?: () => Error) {
  return {
    transaction: () => ({
      execute: async (work: (trx: unknown) => Promise<unknown>) => {
        const result = await work({});
        if (commitError) throw commitError();
        return result;
      },
    }),
  } as unknown as Kysely<Database>;
}

const verdict = (p: Promise<unknown>) =>
  p.then(
    (v) => `ok ${String(v)}`,
    (e: unknown) => (e instanceof DatabaseUnavailableError ? `unavailable, may have taken effect: ${e.mayHaveTakenEffect}` : `other: ${(e as Error).message}`),
  );

describe('what a lost connection does to a call', () => {
  it('sorts connection failures from the rest', () => {
    expect(isConnectionLoss(terminated())).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('x'), { code: '57P05' }))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(refused())).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isConnectionLoss(new DatabaseUnavailableError(false, { cause: terminated() }))).toBe(false);
  });

  it('runs a transaction that lost its connection before COMMIT once more: the server undid it', async () => {
    let runs = 0;
    const result = inTransaction(fakeDb(), async () => {
      if (++runs === 1) throw terminated();
      return runs;
    });
    expect(await verdict(result)).toBe('ok 2');
  });

  it('answers unavailable after a second loss, saying nothing changed', async () => {
    let runs = 0;
    const result = inTransaction(fakeDb(), async () => {
      runs++;
      throw terminated();
    });
    expect(await verdict(result)).toBe('unavailable, may have taken effect: false');
    expect(runs).toBe(2);
  });

  it('never repeats a transaction whose COMMIT lost its connection: it may have committed', async () => {
    let runs = 0;
    const result = inTransaction(fakeDb(terminated), async () => ++runs);
    expect(await verdict(result)).toBe('unavailable, may have taken effect: true');
    expect(runs).toBe(1);
  });

  it('never repeats a single writing statement that lost its connection, but does one that was never sent', async () => {
    let sent = 0;
    expect(await verdict(retrying(async () => {
      sent++;
      throw terminated();
    }))).toBe('unavailable, may have taken effect: true');
    expect(sent).toBe(1);

    let tries = 0;
    expect(await verdict(retrying(async () => {
      if (++tries === 1) throw refused();
      return 'claimed';
    }))).toBe('ok claimed');
  });

  it('passes every other failure through untouched', async () => {
    const duplicate = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(await verdict(inTransaction(fakeDb(), async () => { throw duplicate; }))).toBe('other: duplicate key');
  });

  it('becomes the unavailable domain error, with a retry hint', () => {
    const domain = asDomainError(new DatabaseUnavailableError(false));
    expect(domain).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/nothing was changed.*[Rr]etry/) });
    expect(asDomainError(new DatabaseUnavailableError(true))?.message).toMatch(/may have taken effect/);
  });
});
