import type { Hono } from 'hono';
import { errors, jwtVerify } from 'jose';
import type { VaultServices } from '../../core/services.js';
import { CHECKIN_LINK_AUDIENCE, CHECKIN_LINK_TTL_MS, readLinkSecret } from '../../core/api/checkin-links.js';
import {
  checkinConfirmPage,
  checkinRefusedPage,
  checkinThanksPage,
  checkinUnavailablePage,
  type RefusedReason,
} from './pages.js';
import { SERVER_PAGE_CSP } from '../../../shared/content-security-policy.js';
import type { Ctx, Env, RunnerContext } from './runner-context.js';

type LinkCheck =
  | { kind: 'valid'; jti: string; expiresAt: number }
  | { kind: 'refused'; reason: RefusedReason }
  | { kind: 'unavailable' };

const MAX_LINK_LENGTH = 1000;

function page(c: Ctx, html: string, status: 200 | 400 | 410 | 503): Response {
  c.header('Content-Security-Policy', SERVER_PAGE_CSP);
  c.header('Cache-Control', 'no-store');
  return c.html(html, status);
}

function keyed(ctx: RunnerContext): VaultServices | null {
  try {
    return ctx.app.keyedServices();
  } catch {
    return null;
  }
}

/** Signature, audience, vault and expiry (on the vault's clock), then whether it was used. Reads only. */
async function checkLink(ctx: RunnerContext, token: string): Promise<LinkCheck> {
  if (token.length > MAX_LINK_LENGTH || !ctx.app.exists()) return { kind: 'refused', reason: 'invalid' };
  const services = keyed(ctx);
  if (!services) return { kind: 'unavailable' };
  const secret = readLinkSecret(services);
  if (!secret) return { kind: 'refused', reason: 'invalid' };
  let jti: string;
  let exp: number;
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      audience: CHECKIN_LINK_AUDIENCE,
      subject: services.vault.vaultId,
      currentDate: new Date(services.clock.now()),
      requiredClaims: ['jti', 'exp'],
    });
    jti = payload.jti!;
    exp = payload.exp!;
  } catch (error) {
    return { kind: 'refused', reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
  const { db } = services.vault;
  const used = db.q.get(db.kysely.selectFrom('used_checkin_links').select('link_id').where('link_id', '=', jti));
  return used ? { kind: 'refused', reason: 'used' } : { kind: 'valid', jti, expiresAt: exp * 1000 };
}

/** Records the link as used; false when another request used it first. Old records are pruned. */
function claim(services: VaultServices, jti: string, expiresAt: number): boolean {
  const { db } = services.vault;
  const now = services.clock.now();
  return db.q.transaction(() => {
    // Kept a whole link lifetime past expiry, so a clock set back cannot revive a used link.
    db.q.run(db.kysely.deleteFrom('used_checkin_links').where('expires_at', '<', now - CHECKIN_LINK_TTL_MS));
    const inserted = db.q.run(
      db.kysely
        .insertInto('used_checkin_links')
        .values({ link_id: jti, used_at: now, expires_at: expiresAt })
        .onConflict((oc) => oc.column('link_id').doNothing()),
    );
    return inserted.changes === 1;
  });
}

function unclaim(services: VaultServices, jti: string): void {
  const { db } = services.vault;
  db.q.run(db.kysely.deleteFrom('used_checkin_links').where('link_id', '=', jti));
}

/**
 * Check-in links from warning e-mails. GET only shows a button (mail scanners and previews open
 * links; that must never count); the button's POST checks in, once per link.
 */
export function registerCheckinRoutes(hono: Hono<Env>, ctx: RunnerContext): void {
  hono.get('/checkin/:token', async (c) => {
    const check = await checkLink(ctx, c.req.param('token'));
    if (check.kind === 'refused')
      return page(c, checkinRefusedPage(check.reason), check.reason === 'invalid' ? 400 : 410);
    return page(c, checkinConfirmPage(), 200);
  });

  hono.post('/checkin/:token', async (c) => {
    const check = await checkLink(ctx, c.req.param('token'));
    if (check.kind === 'unavailable') return page(c, checkinUnavailablePage(), 503);
    if (check.kind === 'refused')
      return page(c, checkinRefusedPage(check.reason), check.reason === 'invalid' ? 400 : 410);
    const services = keyed(ctx);
    if (!services) return page(c, checkinUnavailablePage(), 503);
    if (!claim(services, check.jti, check.expiresAt)) return page(c, checkinRefusedPage('used'), 410);
    const reply = await ctx.router.call(
      'checkin',
      {},
      { role: 'checkin', transport: 'link', principal: `link:${check.jti}` },
    );
    if (!reply.ok) {
      unclaim(services, check.jti); // not checked in: the link stays usable
      return page(c, checkinUnavailablePage(), 503);
    }
    return page(c, checkinThanksPage((reply.data as { at: number }).at), 200);
  });
}
