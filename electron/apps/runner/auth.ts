import { parse as parseCookies } from 'hono/utils/cookie';
import type { AppCore } from '../../core/api/app-core.js';
import type { Caller } from '../../core/api/router-types.js';
import { findToken } from '../../core/repo/tokens.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Session, Sessions } from './sessions.js';

export interface AuthDeps {
  app: AppCore;
  sessions: Sessions;
  clock: Clock;
  cookieName: string;
}

/** Who is calling, and how that was established (CSRF rules apply to cookie-authenticated calls). */
export type Authentication =
  | { ok: true; caller: Caller; via: 'cookie'; session: Session }
  | { ok: true; caller: Caller; via: 'bearer' | 'none' }
  | { ok: false; message: string };

const MAX_TOKEN_LENGTH = 200;

export function sessionCookieOf(cookieHeader: string | undefined, cookieName: string): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookies(cookieHeader, cookieName)[cookieName];
}

/** The owner session behind the cookie, if it is live and the owner's UI is still unlocked. */
export async function sessionFromCookie(deps: AuthDeps, cookieHeader: string | undefined): Promise<Session | null> {
  const token = sessionCookieOf(cookieHeader, deps.cookieName);
  if (!token) return null;
  const session = await deps.sessions.verify(token);
  if (!session) return null;
  if (!deps.app.isUiUnlocked) {
    // Locked behind the runner's back (the lock event revokes too): the session is over.
    deps.sessions.revoke(session.jti);
    return null;
  }
  return session;
}

/**
 * The transport decides the role: `Authorization: Bearer aw_…` → the token's role (checkin or
 * monitor); a live session cookie → owner; nothing → public. A bearer token that does not match
 * is refused outright rather than treated as public.
 */
export async function authenticate(
  deps: AuthDeps,
  headers: { authorization?: string; cookie?: string },
): Promise<Authentication> {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    if (!match || match[1]!.length > MAX_TOKEN_LENGTH)
      return { ok: false, message: 'the Authorization header must be "Bearer <token>"' };
    if (!deps.app.exists()) return { ok: false, message: 'unknown token' };
    const vault = await deps.app.open();
    const found = findToken({ db: vault.db, clock: deps.clock }, match[1]!);
    if (!found) return { ok: false, message: 'unknown or revoked token' };
    return { ok: true, via: 'bearer', caller: { role: found.role, transport: 'http', principal: found.id } };
  }
  const session = await sessionFromCookie(deps, headers.cookie);
  if (session)
    return {
      ok: true,
      via: 'cookie',
      session,
      caller: { role: 'owner', transport: 'http', principal: session.sessionId },
    };
  return { ok: true, via: 'none', caller: { role: 'public', transport: 'http' } };
}
