import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { deleteToken, insertToken, selectTokens, type TokenRow, useToken } from '../db/tokens.js';
import { DomainError, invalid } from '../tasks/errors.js';
import { idProblem } from '../tasks/input-rules.js';
import { type Access, isRole, ROLES } from './access.js';

/** Named tokens: letters, digits, `-`, `_` and `.`, starting with a letter or digit. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
/** How long a replica trusts what it read about a token: a revoke takes effect everywhere within this. */
export const TOKEN_CACHE_MS = 500;

/** 32 random bytes (256 bits) in base64url, after a prefix that secret scanners and people recognise. */
export const newTokenSecret = () => `tl_${randomBytes(32).toString('base64url')}`;
/** Only this is stored: a SHA-256 of a 256-bit random secret cannot be reversed or guessed. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export type NewToken = { name: string; role: string; projects: string[] | 'all' };

/** Creating, listing and revoking named tokens, and the checks every request's token goes through. */
export class TokenBook {
  readonly #cache = new Map<string, { access: Access | undefined; until: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a new token and returns its secret: the only time anyone sees it. */
  async create(input: NewToken): Promise<{ token: string; access: Access }> {
    if (!NAME.test(input.name)) throw invalid('name', `"${input.name}" is not a token name: 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    if (input.name === 'admin') throw invalid('name', '"admin" names TASKLANE_HTTP_TOKEN in the audit log; pick another name');
    if (!isRole(input.role)) throw invalid('role', `"${input.role}" is not a role; use one of ${ROLES.join(', ')}`);
    if (input.projects !== 'all') {
      if (input.projects.length === 0) throw invalid('project', 'name at least one project, or all');
      for (const p of input.projects) {
        const problem = idProblem(p);
        if (problem) throw invalid('project', `"${p}" ${problem}`);
      }
    }
    const token = newTokenSecret();
    const stored = await insertToken(this.db, { name: input.name, token_hash: hashToken(token), role: input.role, projects: input.projects === 'all' ? null : input.projects });
    if (!stored) throw new DomainError('conflict', `name: a token named "${input.name}" exists; revoke it first or pick another name`);
    return { token, access: { credential: input.name, role: input.role, projects: input.projects } };
  }

  list(): Promise<TokenRow[]> {
    return selectTokens(this.db);
  }

  async revoke(name: string): Promise<void> {
    if (!(await deleteToken(this.db, name))) throw new DomainError('not_found', `name: no token named "${name}"; \`tasklane token list\` shows them`);
  }

  /**
   * What a presented token may do, or undefined for an unknown or revoked one. Each replica keeps an
   * answer for TOKEN_CACHE_MS, so a token in use costs one statement a period (which also sets last_used_at).
   */
  async verify(token: string, now = Date.now()): Promise<Access | undefined> {
    const hash = hashToken(token);
    const cached = this.#cache.get(hash);
    if (cached && cached.until > now) return cached.access;
    const row = await useToken(this.db, hash);
    const access = row && isRole(row.role) ? { credential: row.name, role: row.role, projects: row.projects ?? ('all' as const) } : undefined;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { access, until: now + TOKEN_CACHE_MS });
    return access;
  }
}
