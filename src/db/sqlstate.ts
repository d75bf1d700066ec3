// Database failures sorted by what the caller can do about them, from the SQLSTATE (pg and PGlite
// both set `code`) or, for a connection that broke before any answer, from the driver's error.

export type DatabaseFailure =
  /** 23505: another call wrote the same key at the same moment. */
  | 'conflict'
  /** 40001, 40P01: the transaction was undone and may simply run again. */
  | 'retry'
  /** 08xxx, 57P01–57P03 and broken or refused connections: the database cannot be reached now. */
  | 'unavailable'
  /** 22xxx: a value the database refused; the input checks should have caught it first. */
  | 'bad_value'
  /** Any other SQLSTATE: a defect. */
  | 'other';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const CONNECTION_TEXT = /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client was closed|pool after calling end|PGlite is closed/i;

export function databaseFailure(err: unknown): DatabaseFailure | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code === '23505') return 'conflict';
    if (code === '40001' || code === '40P01') return 'retry';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || CONNECTION_CODES.has(code)) return 'unavailable';
    if (code.startsWith('22')) return 'bad_value';
    if (/^[0-9A-Z]{5}$/.test(code)) return 'other';
  }
  if (err instanceof Error && CONNECTION_TEXT.test(err.message)) return 'unavailable';
  return undefined;
}
