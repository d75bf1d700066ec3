import { randomBytes, timingSafeEqual } from 'node:crypto';

const LIFETIME_MS = 5 * 60_000;

/** One-time codes that sign a browser in to the web board (printed by `tasklane board`), each good once, for 5 minutes. */
export class SignInCodes {
  #codes = new Map<string, number>();

  issue(): string {
    const code = randomBytes(24).toString('base64url');
    this.#codes.set(code, Date.now() + LIFETIME_MS);
    return code;
  }

  consume(candidate: string): boolean {
    const now = Date.now();
    let valid = false;
    for (const [code, expires] of this.#codes) {
      if (expires < now) this.#codes.delete(code);
      else if (code.length === candidate.length && timingSafeEqual(Buffer.from(code), Buffer.from(candidate))) {
        this.#codes.delete(code);
        valid = true;
      }
    }
    return valid;
  }
}
