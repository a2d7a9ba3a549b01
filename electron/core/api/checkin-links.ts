import { createHmac, randomBytes } from 'node:crypto';
import { SETTINGS } from '../delivery/owner-settings.js';
import type { AppCore } from './app-core.js';
import type { VaultServices } from '../services.js';

/**
 * Check-in links in warning e-mails: `${publicUrl}/checkin/<JWT>`, an HS256 JWT under a secret
 * kept encrypted in the vault's settings (so links survive restarts and work from any process on
 * the vault: `afterword tick` composes them too). Each link expires and can be used once (its
 * `jti` goes into used_checkin_links). Opening a link changes nothing; only its form's POST counts.
 *
 * Signing is synchronous (node:crypto) because the warning composer is; verifying uses jose.
 */
export const CHECKIN_LINK_SECRET = 'checkinLinkSecret';
export const CHECKIN_LINK_TTL_MS = 14 * 24 * 60 * 60 * 1000;
export const CHECKIN_LINK_AUDIENCE = 'afterword:checkin-link';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The signing secret, or null if no link was ever made (nothing to verify against then). */
export function readLinkSecret(services: VaultServices): Uint8Array | null {
  const secret = services.settings.get<string>(CHECKIN_LINK_SECRET);
  return secret ? new Uint8Array(Buffer.from(secret, 'base64url')) : null;
}

function linkSecret(services: VaultServices): Uint8Array {
  const existing = readLinkSecret(services);
  if (existing) return existing;
  // BEGIN IMMEDIATE, then look again: two processes (runner, cron tick) never make two secrets.
  return services.vault.db.q.transaction(() => {
    const again = readLinkSecret(services);
    if (again) return again;
    const secret = randomBytes(32);
    services.settings.set(CHECKIN_LINK_SECRET, secret.toString('base64url'));
    return new Uint8Array(secret);
  });
}

/** A fresh one-time link for one warning. Needs the vault key (the secret is in the settings). */
export function signCheckinLink(services: VaultServices, publicUrl: string): string {
  const now = services.clock.now();
  const header = b64({ alg: 'HS256', typ: 'JWT' });
  const payload = b64({
    aud: CHECKIN_LINK_AUDIENCE,
    sub: services.vault.vaultId,
    jti: randomBytes(16).toString('base64url'),
    iat: Math.floor(now / 1000),
    exp: Math.floor((now + CHECKIN_LINK_TTL_MS) / 1000),
  });
  const signature = createHmac('sha256', linkSecret(services)).update(`${header}.${payload}`).digest('base64url');
  return `${publicUrl.replace(/\/+$/, '')}/checkin/${header}.${payload}.${signature}`;
}

/** For the warning composer of the runner: a link under `publicUrl` for the vault `app` holds. */
export function createCheckinLink(app: AppCore, publicUrl: string): string {
  return signCheckinLink(app.keyedServices(), publicUrl);
}

/**
 * The engine port (EnginePorts.checkinLink): a new link per warning under the publicUrl setting,
 * or null when none is set. A link that cannot be made leaves the warning without one: the
 * warning itself must still go out.
 */
export function checkinLinkPort(services: () => VaultServices): () => string | null {
  return () => {
    try {
      const current = services();
      const publicUrl = current.settings.get<string>(SETTINGS.publicUrl);
      return publicUrl ? signCheckinLink(current, publicUrl) : null;
    } catch {
      return null;
    }
  };
}
