import { randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_TTL_MS = 5 * 60 * 1000;
export const MAX_WRONG_ATTEMPTS = 5;

interface PendingCode {
  accountId: string;
  phone: string;
  code: string;
  expiresAt: number;
  wrongAttempts: number;
}

export type CodeCheck =
  | { ok: true; accountId: string }
  | { ok: false; reason: 'none' | 'expired' | 'locked' }
  | { ok: false; reason: 'wrong'; attemptsLeft: number };

/** One pending code per sign-in interaction: a new request replaces the old code, like Logto's resend. */
export class OneTimeCodes {
  readonly #pending = new Map<string, PendingCode>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(interactionId: string, accountId: string, phone: string): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#pending.set(interactionId, {
      accountId,
      phone,
      code,
      expiresAt: this.now() + CODE_TTL_MS,
      wrongAttempts: 0,
    });
    return code;
  }

  pendingPhone(interactionId: string): string | undefined {
    const pending = this.#pending.get(interactionId);
    return pending && pending.expiresAt > this.now() ? pending.phone : undefined;
  }

  discard(interactionId: string): void {
    this.#pending.delete(interactionId);
  }

  check(interactionId: string, given: string): CodeCheck {
    const pending = this.#pending.get(interactionId);
    if (!pending) return { ok: false, reason: 'none' };
    if (pending.expiresAt <= this.now()) {
      this.#pending.delete(interactionId);
      return { ok: false, reason: 'expired' };
    }
    const candidate = Buffer.from(given.trim());
    const expected = Buffer.from(pending.code);
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
      this.#pending.delete(interactionId);
      return { ok: true, accountId: pending.accountId };
    }
    pending.wrongAttempts += 1;
    if (pending.wrongAttempts >= MAX_WRONG_ATTEMPTS) {
      this.#pending.delete(interactionId);
      return { ok: false, reason: 'locked' };
    }
    return { ok: false, reason: 'wrong', attemptsLeft: MAX_WRONG_ATTEMPTS - pending.wrongAttempts };
  }
}
