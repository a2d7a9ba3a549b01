import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

/** Methods whose success proves the password (or recovery key): over HTTP they open an owner session. */
export const SIGN_IN: ReadonlySet<string> = new Set(['vault.unlock', 'vault.create', 'vault.recover']);

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const AUDIENCE = 'afterword:owner-session';

export interface Session {
  /** The JWT's `jti`: what revocation is keyed on. */
  jti: string;
  /** The JWT's `sub`: the session id callers see as their principal. */
  sessionId: string;
  expiresAt: number;
  /** The last call the owner made (background polling does not count). */
  lastActiveAt: number;
}

/** Requests a page makes on its own (the dashboard's poll): they do not keep a session alive. */
export const BACKGROUND_METHODS: ReadonlySet<string> = new Set(['status.get']);

export interface SessionOptions {
  ttlMs?: number;
  /**
   * How long a session may sit idle before it ends (the owner's auto-lock setting); null: no
   * idle limit. Asked on each check, so a changed setting applies at once.
   */
  idleMs?: () => number | null;
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
  private readonly idleMs: () => number | null;

  constructor(options: SessionOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
    this.idleMs = options.idleMs ?? (() => null);
  }

  async issue(): Promise<{ token: string; session: Session }> {
    this.prune();
    const now = this.now();
    const session: Session = {
      jti: randomBytes(16).toString('base64url'),
      sessionId: `ses_${randomBytes(9).toString('base64url')}`,
      expiresAt: now + this.ttlMs,
      lastActiveAt: now,
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
      if (this.isOver(session)) {
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
    return session !== undefined && !this.isOver(session);
  }

  /** The owner did something in this session (a call that is not background polling). */
  touch(jti: string, method: string): void {
    const session = this.live.get(jti);
    if (session && !BACKGROUND_METHODS.has(method)) session.lastActiveAt = this.now();
  }

  private isOver(session: Session): boolean {
    const now = this.now();
    if (session.expiresAt <= now) return true;
    const idle = this.idleMs();
    return idle !== null && now - session.lastActiveAt >= idle;
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
    for (const session of [...this.live.values()]) if (this.isOver(session)) this.revoke(session.jti);
  }
}
