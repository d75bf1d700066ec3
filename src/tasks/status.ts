import { invalid } from './errors.js';

export const STATUSES = ['pending', 'in_progress', 'review', 'completed', 'failed', 'blocked', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

const CANONICAL = new Set<string>(STATUSES);
// Maps, not plain objects: a status such as `constructor` or `__proto__` must find nothing.
const ALIASES = new Map<string, Status>(Object.entries({
  not_started: 'pending', todo: 'pending', to_do: 'pending', ready: 'pending', open: 'pending', new: 'pending',
  backlog: 'pending', queued: 'pending', waiting: 'pending', planned: 'pending',
  inprogress: 'in_progress', running: 'in_progress', assigned: 'in_progress', started: 'in_progress',
  doing: 'in_progress', wip: 'in_progress', active: 'in_progress', claimed: 'in_progress',
  in_review: 'review', reviewing: 'review', needs_review: 'review',
  done: 'completed', complete: 'completed', finished: 'completed', closed: 'completed', resolved: 'completed',
  success: 'completed', succeeded: 'completed', passed: 'completed',
  error: 'failed', errored: 'failed', fail: 'failed',
  on_hold: 'blocked', stuck: 'blocked',
  deferred: 'cancelled', canceled: 'cancelled', skipped: 'cancelled', dropped: 'cancelled', wontfix: 'cancelled',
  wont_do: 'cancelled', obsolete: 'cancelled',
} satisfies Record<string, Status>));

/** The canonical status a spelling means, or undefined (for callers that try several spellings). */
export function statusOf(value: string): Status | undefined {
  if (CANONICAL.has(value)) return value as Status; // the common case, read once per task of an import
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((STATUSES as readonly string[]).includes(key)) return key as Status;
  return ALIASES.get(key);
}

/** Maps the spellings teams already use (`done`, `in-progress`, `DONE`, `not-started`) to a canonical status. */
export function parseStatus(value: string, field = 'status'): Status {
  const status = statusOf(value);
  if (status) return status;
  throw invalid(field, `unknown status "${value}"; use one of ${STATUSES.join(', ')} (aliases such as done, in-progress, todo are accepted)`);
}

const PRIORITY_WORDS = new Map(Object.entries({ critical: 1, urgent: 1, highest: 1, high: 2, medium: 3, normal: 3, low: 4, lowest: 5 }));
export const DEFAULT_PRIORITY = 3;

/** 1 is most urgent; words critical/high/medium/low map to 1/2/3/4. */
/** A priority given as the integer it stands for (1–1000), the common case: read as it is. */
export const isPriorityNumber = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 1000;

export function parsePriority(value: number | string, field = 'priority'): number {
  if (isPriorityNumber(value)) return value;
  const text = String(value).trim().toLowerCase();
  const word = PRIORITY_WORDS.get(text) ?? PRIORITY_WORDS.get(text.replace(/^p(?=\d)/, ''));
  if (word !== undefined) return word;
  const n = Number(text.replace(/^p(?=\d)/, ''));
  if (Number.isInteger(n) && n >= 0 && n <= 1000) return n === 0 ? 1 : n;
  throw invalid(field, `"${value}" is not a priority; use an integer 1–1000 (1 = most urgent) or critical, high, medium, low`);
}

/** ISO 8601 in, Date out; a time without a zone is taken as UTC. Years 1–9999: what every engine and ISO 8601's plain form hold. */
export function parseTime(value: string, field: string): Date {
  const text = value.trim();
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(text) || !/T|\d:\d/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) throw invalid(field, `"${value}" is not an ISO 8601 time; use e.g. 2026-03-02T09:20:11Z`);
  const year = new Date(ms).getUTCFullYear();
  if (year < 1 || year > 9999) throw invalid(field, `"${value}" is in the year ${year}; times must fall in the years 1–9999`);
  return new Date(ms);
}
