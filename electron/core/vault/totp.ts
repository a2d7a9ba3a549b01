import { createRequire } from 'node:module';

type Otplib = typeof import('otplib');
let loaded: Otplib | null = null;

/** Loaded on first use: every CLI command opens a vault, few of them need a TOTP code. */
function otplib(): Otplib {
  loaded ??= createRequire(import.meta.url)('otplib') as Otplib;
  return loaded;
}

/** RFC 6238 with the authenticator apps' defaults: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'Afterword';

export function newTotpSecret(): string {
  return otplib().generateSecret({ length: 20 });
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secret: string, label: string): string {
  return otplib().generateURI({ issuer: TOTP_ISSUER, label, secret, period: TOTP_PERIOD_SECONDS });
}

export function isTotpShaped(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/**
 * The time step a 6-digit code belongs to, within one step either side of `nowMs` (a phone's
 * clock a little off, a code typed as it changed); null when it is none of them.
 */
export function totpStepOf(secret: string, code: string, nowMs: number): number | null {
  if (!isTotpShaped(code)) return null;
  const result = otplib().verifySync({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_PERIOD_SECONDS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
