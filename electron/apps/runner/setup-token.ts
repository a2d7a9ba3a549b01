import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/ports/clock.js';
import { backoffDelayMs } from '../../core/vault/unlock-guard.js';

/** Tokens chosen by a script (--setup-token, AFTERWORD_SETUP_TOKEN) must be at least this long. */
export const MIN_CHOSEN_TOKEN_LENGTH = 22;

export type SetupCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'wrong' | 'retired' }
  | { ok: false; reason: 'locked-out'; retryAfterMs: number };

/** 128 random bits, URL-safe. */
export function newSetupToken(): string {
  return randomBytes(16).toString('base64url');
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The one-time secret that lets a browser create the vault of a runner that has none yet, so that
 * the first visitor of the port does not become its owner (and read the recovery key). It is
 * printed on the console that started `serve`; it dies once the vault exists. Wrong tokens get
 * the same backoff as wrong passwords, counted in memory (there is no vault to count them in).
 */
export class SetupToken {
  private failures = 0;
  private lastFailureAt: number | null = null;
  private token: string | null;

  /** `token` null: the vault existed at start, so no link was printed and none can create one. */
  constructor(
    token: string | null,
    private readonly clock: Clock,
  ) {
    this.token = token;
  }

  /** The token while the vault is still to be created; null once it exists. */
  get value(): string | null {
    return this.token;
  }

  /** The vault exists: the token opens nothing any more. */
  retire(): void {
    this.token = null;
  }

  retryAfterMs(): number {
    const delay = backoffDelayMs(this.failures);
    if (delay === 0 || this.lastFailureAt === null) return 0;
    const now = this.clock.now();
    // A clock set backwards must not shorten the wait.
    if (now < this.lastFailureAt) this.lastFailureAt = now;
    return Math.max(0, delay - (now - this.lastFailureAt));
  }

  /** Compares in constant time (over fixed-length digests, so the length leaks nothing either). */
  check(presented: unknown): SetupCheck {
    if (this.token === null) return { ok: false, reason: 'retired' };
    const retryAfterMs = this.retryAfterMs();
    if (retryAfterMs > 0) return { ok: false, reason: 'locked-out', retryAfterMs };
    if (typeof presented !== 'string' || presented.length === 0) return { ok: false, reason: 'missing' };
    if (presented.length <= 1000 && timingSafeEqual(digest(presented), digest(this.token))) {
      this.failures = 0;
      this.lastFailureAt = null;
      return { ok: true };
    }
    this.failures += 1;
    this.lastFailureAt = this.clock.now();
    return { ok: false, reason: 'wrong' };
  }
}
