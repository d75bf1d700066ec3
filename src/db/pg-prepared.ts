import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterStalePlan, STALE_PLAN } from './stale-plan.js';

/** Statements with more parameters than this (long IN lists) vary too much to be worth keeping. */
const MAX_PARAMETERS = 32;
const MAX_NAMES = 2000;
const names = new Map<string, string>();
let renamed = 0;

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    if (names.size >= MAX_NAMES) names.clear();
    name = `tl_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** A new name for a statement whose plan went stale: every connection prepares it afresh under it. */
function renameStatement(text: string): void {
  names.set(text, `${statementName(text)}_${++renamed}`);
}

/**
 * A pg client that runs each parameterised statement as a named prepared statement: Postgres parses
 * and plans it once per connection instead of on every call. The engine's claim and report are
 * single statements with CTEs, and planning them anew cost about as much as running them (pgbench
 * -M extended against -M prepared). pg itself remembers which names a connection has prepared.
 */
export class PreparingClient extends pg.Client {
  // pg's query() has many overloads; only (text, values) with no callback, which Kysely uses, changes.
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    const query = super.query as (...args: unknown[]) => never;
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0 || values.length > MAX_PARAMETERS || callback !== undefined) {
      return query.call(this, config, values, callback);
    }
    const text = config;
    const run = () => query.call(this, { name: statementName(text), text, values }) as Promise<unknown>;
    return run().catch((err: unknown) => {
      if ((err as { code?: string }).code !== STALE_PLAN) throw err;
      renameStatement(text);
      return afterStalePlan(err, run);
    }) as never;
  }
}
