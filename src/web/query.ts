import type { NextFunction, Request, Response } from 'express';
import { invalid } from '../tasks/errors.js';
import { idProblem, stringProblem } from '../tasks/input-rules.js';

/** An optional integer query parameter within bounds; a bad one is an invalid_input naming it. */
export function intParam(req: Request, name: string, min: number, max: number): number | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(name, `"${String(raw)}" is not an integer from ${min} to ${max}`);
  return n;
}

/** An optional text query parameter: one value, within max characters, storable (input-rules.ts). */
export function textParam(req: Request, name: string, max = 200): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw invalid(name, `give one value of at most ${max} characters`);
  const problem = stringProblem(raw, max);
  if (problem) throw invalid(name, problem);
  return raw;
}

/** An optional id query parameter (project, task): one value that meets the id rules. */
export function idParam(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw invalid(name, 'give one value');
  const problem = idProblem(raw);
  if (problem) throw invalid(name, problem);
  return raw;
}

/** A task id in the path. */
export function idPathParam(req: Request, name = 'id'): string {
  const value = String(req.params[name] ?? '');
  const problem = idProblem(value);
  if (problem) throw invalid(name === 'id' ? 'task id' : name, problem);
  return value;
}

/**
 * Express decodes a query's invalid percent-encoded UTF-8 (`%ED%A0%80`, `%C3`) into U+FFFD without a
 * word; such a URL is refused instead, so that no value is silently changed.
 */
export function strictUrl(req: Request, _res: Response, next: NextFunction): void {
  try {
    decodeURIComponent(req.originalUrl.replace(/\+/g, ' '));
  } catch {
    return next(invalid('url', 'holds percent-encoding that is not valid UTF-8; encode values with encodeURIComponent'));
  }
  next();
}
