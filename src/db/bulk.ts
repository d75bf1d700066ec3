import { type RawBuilder, sql } from 'kysely';
import type { Db } from './schema.js';

/**
 * The size of a bulk write's statements (one text[] parameter per column, whatever the number of
 * rows): at most `rows` rows and about `chars` characters of values. Each statement that joins its
 * rows to a project's tasks may hash all of them, so fewer, larger statements: at 5,000 rows, the
 * comparison of an unchanged re-import of 100,000 tasks took 1.3 s of the server's time, mostly
 * rebuilding that hash 20 times, against 0.4 s at 25,000 (EXPLAIN ANALYZE). The characters keep a
 * column's literal far below the longest string node can build (2^29 characters) when tasks carry
 * long details.
 */
export const bulkStatement = { rows: 25_000, chars: 32_000_000 };

export type BulkTable = 'tasks' | 'task_events' | 'task_dependencies';

/** The type of each column a bulk write may give that is not text. */
const COLUMN_TYPES: Record<string, string> = {
  tags: 'text[]',
  dependencies: 'text[]',
  metadata: 'jsonb',
  data: 'jsonb',
  priority: 'int',
  estimate_tokens: 'int',
  used_tokens: 'int',
  attempts: 'int',
  max_attempts: 'int',
  unmet_deps: 'int',
  version: 'int',
  written_version: 'int',
  at: 'timestamptz',
  started_at: 'timestamptz',
  completed_at: 'timestamptz',
  status_updated_at: 'timestamptz',
  lease_expires_at: 'timestamptz',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  heartbeat_at: 'timestamptz',
};

const NEEDS_ESCAPE = /[\\"]/;
const quoted = (s: string) => (NEEDS_ESCAPE.test(s) ? `"${s.replace(/[\\"]/g, '\\$&')}"` : `"${s}"`);

/**
 * A value as the text Postgres reads for its column: a Date in ISO 8601, a list (tags) as an array
 * literal, an object as JSON; a string as it is (a jsonb column's string is its JSON text).
 */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `{${value.map((v) => quoted(String(v))).join(',')}}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Texts as a text[] literal, built here so that it is built while the previous statement runs (see overlapped), not when this one is sent. */
function arrayLiteral(texts: ReadonlyArray<string | null>): string {
  let out = '{';
  for (let i = 0; i < texts.length; i++) out += (i ? ',' : '') + (texts[i] === null ? 'NULL' : quoted(texts[i]!));
  return `${out}}`;
}

/**
 * `= any(array)`: one bind parameter for any number of ids (an IN list takes one each, and the wire
 * protocol carries 65,535), its literal built here (faster than the driver's for long lists).
 */
export const anyOf = (ids: readonly string[]) => sql<string>`any(${arrayLiteral(ids)}::text[])`;

/**
 * Some rows' columns as `unnest($1::text[], …) as u(c1, …)` and each column read back as its type
 * (`u.c::type`). A column whose value is the same in every row (a project id, a default left null)
 * is one parameter instead of an array; `id`, which the updates join on, always stays an array.
 */
function unnested(columns: string[], rows: object[]): { from: RawBuilder<unknown>; typed: RawBuilder<unknown>[] } {
  const typeOf = (c: string) => sql.raw(COLUMN_TYPES[c] ?? 'text');
  const texts = columns.map((c) => rows.map((r) => asText((r as Record<string, unknown>)[c])));
  const shared = columns.map((c, i) => c !== 'id' && texts[i].every((t) => t === texts[i][0]));
  // Every column shared: the first, as an array, gives the statement its rows.
  if (shared.every(Boolean)) shared[0] = false;
  const arrays = columns.flatMap((c, i) => (shared[i] ? [] : [{ column: c, texts: texts[i] }]));
  return {
    from: sql`unnest(${sql.join(arrays.map((a) => sql`${arrayLiteral(a.texts)}::text[]`))}) as u(${sql.join(arrays.map((a) => sql.ref(a.column)))})`,
    typed: columns.map((c, i) => {
      if (shared[i]) return sql`${texts[i][0]}::${typeOf(c)}`;
      return COLUMN_TYPES[c] ? sql`${sql.ref(`u.${c}`)}::${typeOf(c)}` : sql.ref(`u.${c}`);
    }),
  };
}

/** About how many characters a row's values take in its statement's literals. */
function approximateChars(row: object): number {
  let n = 0;
  for (const key in row) {
    const value: unknown = (row as Record<string, unknown>)[key];
    n += typeof value === 'string' ? value.length : Array.isArray(value) ? 16 * value.length : 16;
  }
  return n;
}

/**
 * Runs the statements in order and returns their rows, building each (the generator's work) while the
 * one before it runs on the server: on Postgres the two take turns on two cores instead of one. In a
 * transaction its one connection runs them one after the other; outside one (a pool) they are run one
 * at a time. The first error is thrown; a statement queued behind it fails on the aborted
 * transaction, unheard.
 */
async function overlapped<R>(db: Db, statements: Iterable<RawBuilder<R>>): Promise<R[][]> {
  const results: R[][] = [];
  let running: Promise<{ rows: R[] }> | undefined;
  for (const statement of statements) {
    if (running && !db.isTransaction) {
      results.push((await running).rows);
      running = undefined;
    }
    const next = statement.execute(db);
    next.catch(() => {});
    if (running) results.push((await running).rows);
    running = next;
  }
  if (running) results.push((await running).rows);
  return results;
}

/** Whether a row gives exactly these columns, in this order (undefined counts as not given). */
function givesColumns(row: object, columns: readonly string[]): boolean {
  let i = 0;
  for (const k in row) {
    if ((row as Record<string, unknown>)[k] === undefined) continue;
    if (columns[i++] !== k) return false;
  }
  return i === columns.length;
}

function givenColumns(row: object): string[] {
  const names: string[] = [];
  for (const k in row) if ((row as Record<string, unknown>)[k] !== undefined) names.push(k);
  return names;
}

type Part<T> = { columns: string[]; part: T[] };

/**
 * Rows, read one by one as statements need them, grouped by the columns they give (a column a row
 * leaves out takes its default), each group in statements of at most bulkStatement.rows rows and about
 * bulkStatement.chars characters.
 */
function* statementParts<T extends object>(rows: Iterable<T>): Generator<Part<T>> {
  const groups = new Map<string, Part<T> & { chars: number }>();
  let last: (Part<T> & { chars: number }) | undefined;
  for (const row of rows) {
    // Rows of one write mostly give the same columns: compare with the row before, not by key.
    let group = last && givesColumns(row, last.columns) ? last : undefined;
    if (!group) {
      const columns = givenColumns(row);
      const key = columns.join(',');
      group = groups.get(key);
      if (!group) groups.set(key, (group = { columns, part: [], chars: 0 }));
    }
    last = group;
    const size = approximateChars(row);
    if (group.part.length && (group.part.length >= bulkStatement.rows || group.chars + size > bulkStatement.chars)) {
      yield { columns: group.columns, part: group.part };
      group.part = [];
      group.chars = 0;
    }
    group.part.push(row);
    group.chars += size;
  }
  for (const g of groups.values()) if (g.part.length) yield { columns: g.columns, part: g.part };
}

/**
 * Inserts rows as one text[] parameter per column per statement (unnest): on either engine a number of
 * statements that grows with the rows only by bulkStatement.rows at a time. Rows are taken from the
 * iterable as the statements are built, each while the one before runs (overlapped), so that a caller
 * may pass them unbuilt (a generator). jsonb columns may be given as JSON text. No ON CONFLICT (it costs
 * a fifth more): edges are inserted only after reading that they are not there, under the project's graph lock.
 */
export async function insertRows(db: Db, table: BulkTable, rows: Iterable<object>): Promise<void> {
  await overlapped(db, (function* () {
    for (const { columns, part } of statementParts(rows)) {
      const { from, typed } = unnested(columns, part);
      yield sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select ${sql.join(typed)} from ${from}`;
    }
  })());
}

/**
 * Sets the given columns of some tasks of a project, each row `{id, …columns}`, bulkStatement.rows a
 * statement (grouped by the columns they set); updated_at and version move as in any edit.
 */
export async function updateTaskRows(db: Db, projectId: string, rows: Iterable<{ id: string } & Record<string, unknown>>): Promise<void> {
  await overlapped(db, (function* () {
    for (const { columns, part } of statementParts(rows)) {
      const set = columns.filter((c) => c !== 'id');
      const { from, typed } = unnested(columns, part);
      const assignments = set.map((c) => sql`${sql.ref(c)} = ${typed[columns.indexOf(c)]}`);
      yield sql`update tasks t set ${sql.join([...assignments, sql`updated_at = now()`, sql`version = t.version + 1`])}
        from ${from} where t.project_id = ${projectId} and t.id = u.id`;
    }
  })());
}

/**
 * Of some tasks of a project, each row `{id, …columns}` with the values a write would give them (and
 * `dependencies`, compared as a set, when it sets them; `metadata`, the keys it merges into the task's),
 * the ids of those that differ in any: the
 * others are unchanged, and need not be read or written. bulkStatement.rows tasks a statement; dependencies are
 * compared in statements of their own, as pairs against the tasks' links in one join.
 */
export async function selectChangedTaskIds(db: Db, projectId: string, rows: Iterable<{ id: string } & Record<string, unknown>>): Promise<string[]> {
  const found = await overlapped(db, (function* () {
    for (const { columns: given, part } of statementParts(rows)) {
      const columns = given.filter((c) => c !== 'dependencies');
      if (columns.length > 1) {
        const { from, typed } = unnested(columns, part);
        const tests = columns.flatMap((c, i) => {
          if (c === 'id') return [];
          // Extra fields are merged into the task's metadata key by key: only a key whose value differs changes it.
          if (c === 'metadata') return [sql`(t.metadata || ${typed[i]}) is distinct from t.metadata`];
          return [sql`${sql.ref(`t.${c}`)} is distinct from ${typed[i]}`];
        });
        yield sql<{ id: string }>`select u.id from ${from} join tasks t on t.project_id = ${projectId} and t.id = u.id where ${sql.join(tests, sql` or `)}`;
      }
      if (given.includes('dependencies')) yield changedLinks(projectId, part as Array<{ id: string; dependencies: string[] }>);
    }
  })());
  return [...new Set(found.flat().map((r) => r.id))];
}

/** The tasks among `rows` whose links are not exactly their `dependencies`: a pair on one side only. */
function changedLinks(projectId: string, rows: Array<{ id: string; dependencies: string[] }>): RawBuilder<{ id: string }> {
  const pairs = rows.flatMap((r) => r.dependencies.map((d) => ({ task_id: r.id, depends_on: d })));
  let given = sql`(select null::text as task_id, null::text as depends_on where false)`;
  if (pairs.length) {
    const { from, typed } = unnested(['task_id', 'depends_on'], pairs);
    given = sql`(select ${typed[0]} as task_id, ${typed[1]} as depends_on from ${from})`;
  }
  return sql<{ id: string }>`
    select distinct coalesce(g.task_id, d.task_id) as id
    from ${given} g
    full join (select task_id, depends_on from task_dependencies where project_id = ${projectId} and task_id = ${anyOf(rows.map((r) => r.id))}) d
      on d.task_id = g.task_id and d.depends_on = g.depends_on
    where g.task_id is null or d.task_id is null`;
}
