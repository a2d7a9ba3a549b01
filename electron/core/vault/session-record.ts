import { DAY_MS, MINUTE_MS } from '../../../shared/durations.js';
import { AfterwordError } from '../errors.js';
import { constantTimeEqual, randomBytes, xchachaOpen, xchachaSeal } from '../crypto/aead.js';
import { AeadAuthError } from '../crypto/crypto-errors.js';
import { hkdfSha256 } from '../crypto/hkdf.js';

/**
 * A CLI session (`afterword unlock`): a random session key, given to the shell as AFTERWORD_SESSION,
 * unwraps a short-lived copy of the vault key kept in a 0600 record on this machine. The record
 * holds no key in the clear: the vault key is sealed (XChaCha20-Poly1305) under a key derived from
 * the session key, and everything the record says about itself (vault, session, key-wrap generation,
 * start, expiry) is bound in as associated data, so none of it can be edited to lengthen or move it.
 */
export const SESSION_FORMAT = 'afterword-cli-session/v1';
export const DEFAULT_SESSION_MS = 30 * MINUTE_MS;
/** The longest a session may last, whatever --timeout asks. */
export const MAX_SESSION_MS = DAY_MS;
/** How far the wall clock may stand behind a session's start (NTP steps) before it counts as set back. */
export const CLOCK_SKEW_MS = 5 * MINUTE_MS;

const SESSION_KEY_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What a session's record says about it; all of it is authenticated. */
export interface SessionHeader {
  format: typeof SESSION_FORMAT;
  vaultId: string;
  sessionId: string;
  /** A digest of the vault's password and recovery wraps: a new password or a recovery ends the session. */
  generation: string;
  /** Wall-clock time it began and ends (ms since the epoch). */
  createdAt: number;
  expiresAt: number;
  /** This machine's monotonic clock when it began (ms): a wall clock set back does not move it. */
  monotonicAt: number;
}

export interface SessionRecord extends SessionHeader {
  nonce: string;
  wrappedKey: string;
}

/** The two clocks a session is checked against: the wall clock, and the machine's monotonic clock. */
export interface SessionTimes {
  now: number;
  monotonic: number;
}

/** The session is over: its time is up, the clock went back, the machine restarted or the password changed. */
export class SessionExpiredError extends AfterwordError {
  constructor(why: string) {
    super('SESSION_EXPIRED', `the session in AFTERWORD_SESSION is over: ${why}; run eval "$(afterword unlock)" again`);
  }
}

/** AFTERWORD_SESSION opens no session of this vault on this machine. */
export class SessionInvalidError extends AfterwordError {
  constructor(why: string) {
    super(
      'SESSION_INVALID',
      `AFTERWORD_SESSION does not open this vault: ${why}; run eval "$(afterword unlock)" again`,
    );
  }
}

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

/** A new session key and its form for the environment (43 base64url characters, safe in any shell). */
export function newSessionKey(): { key: Uint8Array; token: string } {
  const key = randomBytes(SESSION_KEY_BYTES);
  return { key, token: base64url(key) };
}

/** The session key in AFTERWORD_SESSION; a value of another shape is no session key at all. */
export function parseSessionToken(token: string): Uint8Array {
  const trimmed = token.trim();
  if (!TOKEN.test(trimmed)) throw new SessionInvalidError('it is not a session key (43 letters, digits, - and _)');
  return fromBase64(trimmed);
}

/** The session's public name (the record's file name): derived from the key, it reveals nothing of it. */
export function sessionIdOf(sessionKey: Uint8Array): string {
  return Buffer.from(hkdfSha256(sessionKey, new Uint8Array(0), 'afterword/cli-session/id/v1', 16)).toString('hex');
}

function wrapKeyOf(sessionKey: Uint8Array, vaultId: string): Uint8Array {
  return hkdfSha256(sessionKey, new TextEncoder().encode(vaultId), 'afterword/cli-session/wrap/v1');
}

function headerOf(record: SessionHeader): SessionHeader {
  const { format, vaultId, sessionId, generation, createdAt, expiresAt, monotonicAt } = record;
  return { format, vaultId, sessionId, generation, createdAt, expiresAt, monotonicAt };
}

function aadOf(header: SessionHeader): Uint8Array {
  const h = headerOf(header);
  return new TextEncoder().encode(
    JSON.stringify([h.format, h.vaultId, h.sessionId, h.generation, h.createdAt, h.expiresAt, h.monotonicAt]),
  );
}

/** Seals `vaultKey` under the session key; the record that results can be stored as it is. */
export function sealSessionRecord(
  vaultKey: Uint8Array,
  sessionKey: Uint8Array,
  header: Omit<SessionHeader, 'format' | 'sessionId'>,
): SessionRecord {
  const full: SessionHeader = { format: SESSION_FORMAT, sessionId: sessionIdOf(sessionKey), ...header };
  const nonce = randomBytes(24);
  const sealed = xchachaSeal(wrapKeyOf(sessionKey, header.vaultId), nonce, vaultKey, aadOf(full));
  return { ...headerOf(full), nonce: base64url(nonce), wrappedKey: base64url(sealed) };
}

/** The vault key in the record; SessionInvalidError when this is not the record's session key or it was changed. */
export function openSessionRecord(record: SessionRecord, sessionKey: Uint8Array): Uint8Array {
  if (!constantTimeEqual(new TextEncoder().encode(sessionIdOf(sessionKey)), new TextEncoder().encode(record.sessionId)))
    throw new SessionInvalidError('it is not the key of this session');
  try {
    return xchachaOpen(
      wrapKeyOf(sessionKey, record.vaultId),
      fromBase64(record.nonce),
      fromBase64(record.wrappedKey),
      aadOf(record),
    );
  } catch (error) {
    if (error instanceof AeadAuthError) throw new SessionInvalidError('its stored record was changed or damaged');
    throw error;
  }
}

const isTime = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A record as read from its file; SessionInvalidError when it is not one. */
export function parseSessionRecord(bytes: Uint8Array): SessionRecord {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new SessionInvalidError('its stored record is unreadable');
  }
  const { format, vaultId, sessionId, generation, createdAt, expiresAt, monotonicAt, nonce, wrappedKey } = value ?? {};
  if (
    format !== SESSION_FORMAT ||
    ![vaultId, sessionId, generation, nonce, wrappedKey].every(isText) ||
    ![createdAt, expiresAt, monotonicAt].every(isTime)
  ) {
    throw new SessionInvalidError('its stored record is not one this version of Afterword wrote');
  }
  return {
    format,
    vaultId,
    sessionId,
    generation,
    createdAt,
    expiresAt,
    monotonicAt,
    nonce,
    wrappedKey,
  } as SessionRecord;
}

/**
 * Why the session is over at `times`, or null while it runs. Both clocks must agree that it runs:
 * the wall clock (which counts time asleep) before its expiry and not set back past its start, and
 * the monotonic clock (which no clock change moves) within its length since it began; a monotonic
 * clock behind the start means the machine restarted.
 */
export function sessionEndReason(header: SessionHeader, times: SessionTimes): string | null {
  const length = header.expiresAt - header.createdAt;
  if (length <= 0 || length > MAX_SESSION_MS) return 'its stored length is out of range';
  if (times.now >= header.expiresAt) return `it expired at ${new Date(header.expiresAt).toISOString()}`;
  if (times.now < header.createdAt - CLOCK_SKEW_MS)
    return "this computer's clock is behind the time the session began: it was set back";
  if (times.monotonic < header.monotonicAt) return 'this computer restarted since it began';
  if (times.monotonic - header.monotonicAt >= length)
    return `its ${Math.round(length / MINUTE_MS)} minutes have passed (the clock was set back meanwhile)`;
  return null;
}
