import type { Request } from 'express';
import { invalid } from '../tasks/errors.js';

/** An optional integer query parameter within bounds; a bad one is an invalid_input naming it. */
export function intParam(req: Request, name: string, min: number, max: number): number | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(name, `"${String(raw)}" is not an integer from ${min} to ${max}`);
  return n;
}

export function textParam(req: Request, name: string, max = 200): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > max) throw invalid(name, `give one value of at most ${max} characters`);
  return raw;
}
