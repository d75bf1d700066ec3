import { z } from 'zod';

// The rules every input string, list and JSON value meets before it reaches the engine or the database.
// They are zod refinements, not `maxLength`/`maxItems`: refinements stay out of the JSON Schemas that
// agents pay for in tools/list. The README's "Input limits" table lists the same figures.

export const LIMITS = {
  /** Ids: project, task ids, dependencies, agent names. */
  id: 200,
  /** Short names: phase, module, tags, status, priority words, estimated_complexity, branch. */
  label: 200,
  title: 500,
  description: 20_000,
  details: 50_000,
  result: 50_000,
  note: 10_000,
  goal: 10_000,
  commitSha: 100,
  time: 100,
  tags: 100,
  dependencies: 1_000,
  notes: 1_000,
  tasks: 10_000,
  /** A task's extra fields (its metadata): nesting levels, and characters as JSON. */
  metadataDepth: 20,
  metadataChars: 100_000,
  /** write_task_list's tasks and import_tracker's content as JSON, so that a whole call fits TASKLANE_MAX_MESSAGE_BYTES' default (16 MiB). */
  callBytes: 15 * 1024 * 1024,
} as const;

const LONE_SURROGATE = /\p{Cs}/u;
/** Control (C0, DEL, C1), format (zero-width, bidi, BOM, soft hyphen) and line/paragraph separators. */
const NOT_IN_ID = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** What any stored string may not hold: NUL (Postgres text cannot) and lone surrogates (Postgres would store U+FFFD). */
export function textProblem(s: string): string | undefined {
  const nul = s.indexOf('\u0000');
  if (nul >= 0) return `holds a NUL character (U+0000) at index ${nul}, which cannot be stored; remove it`;
  const lone = LONE_SURROGATE.exec(s);
  if (lone) return `holds a lone surrogate (${codePoint(lone[0])}) at index ${lone.index}: not valid Unicode; send well-formed text`;
  return undefined;
}

const lengthProblem = (s: string, max: number) => (s.length > max ? `is ${s.length} characters long; the limit is ${max}` : undefined);

/** Ids are kept exactly as given and compared byte for byte: 1–200 visible characters, no surrounding whitespace. */
export function idProblem(s: string): string | undefined {
  if (s.length === 0) return 'is empty; an id is 1–200 characters';
  const problem = lengthProblem(s, LIMITS.id) ?? textProblem(s);
  if (problem) return problem;
  const hidden = NOT_IN_ID.exec(s);
  if (hidden) return `holds ${codePoint(hidden[0])} at index ${hidden.index}; an id may not hold control, zero-width, format or line-separator characters`;
  if (/^\s|\s$/u.test(s)) return s.trim() ? 'begins or ends with whitespace; ids are taken exactly as given: remove it' : 'is only whitespace; give a visible id';
  return undefined;
}

export function stringProblem(s: string, max: number): string | undefined {
  return lengthProblem(s, max) ?? textProblem(s);
}

type Ctx = { addIssue: (issue: { code: 'custom'; message: string; path?: PropertyKey[] }) => void };
const report = (ctx: Ctx, problem: string | undefined, path?: PropertyKey[]) => {
  if (problem) ctx.addIssue({ code: 'custom', message: problem, ...(path ? { path } : {}) });
};

/** An id field (see idProblem). */
export const idString = () => z.string().superRefine((s, ctx) => report(ctx, idProblem(s)));
/** Any other string: at most max characters, no NUL, no lone surrogate. */
export const textString = (max: number) => z.string().superRefine((s, ctx) => report(ctx, stringProblem(s, max)));
/** A string that must say something (not empty, not only whitespace). */
export const requiredText = (max: number) =>
  z.string().superRefine((s, ctx) => report(ctx, s.trim() === '' ? 'is empty; write something' : stringProblem(s, max)));
export const labelString = () => textString(LIMITS.label);

/** A list of at most max items. */
export const listOf = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).superRefine((a, ctx) => report(ctx, a.length > max ? `has ${a.length} items; the limit is ${max}` : undefined));

/** A value's UTF-8 size as JSON, for the checks that keep a whole call within the message limit. */
export const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
export const callSizeProblem = (value: unknown) => {
  const bytes = jsonBytes(value);
  return bytes > LIMITS.callBytes ? `is ${(bytes / 1024 / 1024).toFixed(1)} MiB as JSON; the limit is ${LIMITS.callBytes / 1024 / 1024} MiB (split it over several calls)` : undefined;
};

/**
 * What is wrong with a JSON value kept as metadata: nesting deeper than the limit, or a key or string
 * that cannot be stored. Walks at most the allowed depth, so a value nested 100,000 deep costs nothing.
 */
export function jsonValueProblem(value: unknown, maxDepth: number = LIMITS.metadataDepth): { path: PropertyKey[]; problem: string } | undefined {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { path, problem };
    } else if (v !== null && typeof v === 'object') {
      if (path.length >= maxDepth) return { path: [], problem: `is nested deeper than ${maxDepth} levels; flatten it` };
      for (const [key, child] of Object.entries(v)) {
        const problem = Array.isArray(v) ? undefined : textProblem(key);
        if (problem) return { path: [...path, key], problem: `key ${problem}` };
        stack.push({ value: child, path: [...path, Array.isArray(v) ? Number(key) : key] });
      }
    } else if (typeof v === 'number' && !Number.isFinite(v)) {
      return { path, problem: 'is not a finite number' };
    }
  }
  return undefined;
}

/** Reports a metadata value's problem on the issue path of its field; true when there was one. */
export function reportJsonValue(ctx: Ctx, value: unknown, path: PropertyKey[]): boolean {
  const found = jsonValueProblem(value);
  if (found) report(ctx, found.problem, [...path, ...found.path]);
  return found !== undefined;
}

/** `tasks[3].id` from zod's ['tasks', 3, 'id']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '');
}

/** One line per zod issue, `field: problem`, the first few only. */
export function describeIssues(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>, shown = 5, root = 'arguments'): string {
  const lines = issues.slice(0, shown).map((i) => `${fieldPath(i.path) || root}: ${i.message}`);
  const more = issues.length > shown ? `; … and ${issues.length - shown} more` : '';
  return `${lines.join('; ')}${more}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

/**
 * zod leaves an own `__proto__` key out of what it parses (assigning it would replace the prototype),
 * while JSON.parse makes it an ordinary key. This puts such keys back into the parsed value, defined
 * rather than assigned, so that a task's metadata keeps them exactly; it returns the problems of the
 * values it put back (they passed no schema).
 */
export function restoreProtoKeys(raw: unknown, parsed: unknown): Array<{ path: PropertyKey[]; problem: string }> {
  const problems: Array<{ path: PropertyKey[]; problem: string }> = [];
  const stack: Array<{ raw: unknown; parsed: unknown; path: PropertyKey[] }> = [{ raw, parsed, path: [] }];
  while (stack.length) {
    const { raw: r, parsed: p, path } = stack.pop()!;
    if (!isObject(r) || !isObject(p) || r === p || path.length > LIMITS.metadataDepth + 4) continue;
    const own = Object.getOwnPropertyDescriptor(r, '__proto__');
    if (own && 'value' in own && !Array.isArray(r) && !Object.hasOwn(p, '__proto__')) {
      Object.defineProperty(p, '__proto__', { value: own.value, enumerable: true, writable: true, configurable: true });
      const found = jsonValueProblem(own.value);
      if (found) problems.push({ path: [...path, '__proto__', ...found.path], problem: found.problem });
    }
    for (const key of Object.keys(p)) {
      if (key !== '__proto__' && Object.hasOwn(r, key)) stack.push({ raw: r[key], parsed: p[key], path: [...path, Array.isArray(p) ? Number(key) : key] });
    }
  }
  return problems;
}

/** The first max characters, never ending in half a surrogate pair (which would be stored as U+FFFD). */
export function cutText(s: string, max: number): string {
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
