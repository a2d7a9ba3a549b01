import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const AUDIENCE = 'afterword:owner-session';

export interface Session {
  /** The JWT's `jti`: what revocation is keyed on. */
  jti: string;
  /** The JWT's `sub`: the session id callers see as their principal. */
  sessionId: string;
  expiresAt: number;
}

export interface SessionOptions {
  ttlMs?: number;
  /** Real time by default: a fake scheduler clock must not stretch or end sessions. */
  now?: () => number;
}

/**
 * Owner sessions of one runner process: HS256 JWTs under a secret drawn at start (a restart
 * signs everyone out), and only while their `jti` is in memory, so lock and logout revoke them.
 */
export class Sessions {
  private readonly secret = new Uint8Array(randomBytes(32));
  private readonly live = new Map<string, Session>();
  private readonly listeners = new Set<(jti: string) => void>();
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: SessionOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async issue(): Promise<{ token: string; session: Session }> {
    this.prune();
    const now = this.now();
    const session: Session = {
      jti: randomBytes(16).toString('base64url'),
      sessionId: `ses_${randomBytes(9).toString('base64url')}`,
      expiresAt: now + this.ttlMs,
    };
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setAudience(AUDIENCE)
      .setSubject(session.sessionId)
      .setJti(session.jti)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.ceil(session.expiresAt / 1000))
      .sign(this.secret);
    this.live.set(session.jti, session);
    return { token, session };
  }

  /** The live session behind `token`, or null (bad signature, expired, revoked, not ours). */
  async verify(token: string): Promise<Session | null> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        currentDate: new Date(this.now()),
        requiredClaims: ['jti', 'sub', 'exp'],
      });
      const session = payload.jti ? this.live.get(payload.jti) : undefined;
      if (!session || session.sessionId !== payload.sub) return null;
      if (session.expiresAt <= this.now()) {
        this.revoke(session.jti);
        return null;
      }
      return session;
    } catch {
      return null;
    }
  }

  isLive(jti: string): boolean {
    const session = this.live.get(jti);
    return session !== undefined && session.expiresAt > this.now();
  }

  revoke(jti: string): void {
    if (!this.live.delete(jti)) return;
    for (const listener of this.listeners) listener(jti);
  }

  revokeAll(): void {
    for (const jti of [...this.live.keys()]) this.revoke(jti);
  }

  /** Called with the `jti` of every session that ends (WebSockets of that session close). */
  onRevoke(listener: (jti: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.live.size;
  }

  private prune(): void {
    const now = this.now();
    for (const session of [...this.live.values()]) if (session.expiresAt <= now) this.revoke(session.jti);
  }
}
