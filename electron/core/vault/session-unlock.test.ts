// CLI sessions at the vault: the record a session key opens, what ends it (time on either clock, a
// new password, a recovery, a new recovery key), and what it cannot be made to do (another vault,
// an edited record, a forged key).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { randomBytes } from '../crypto/aead.js';
import { BadRequestError } from '../errors.js';
import { Vault, type VaultDeps } from './vault.js';
import {
  CLOCK_SKEW_MS,
  MAX_SESSION_MS,
  SessionExpiredError,
  SessionInvalidError,
  newSessionKey,
  parseSessionRecord,
  parseSessionToken,
  sealSessionRecord,
  sessionEndReason,
  type SessionRecord,
  type SessionTimes,
} from './session-record.js';

const PASSWORD = 'correct horse battery staple';
const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const MONO0 = 5_000_000;

let root = '';
let deps: VaultDeps;
const toClose: Vault[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-session-'));
  deps = { clock: new ManualClock(T0), scrypt: { logN: 15, r: 8, p: 1 } };
});
afterEach(async () => {
  for (const v of toClose.splice(0)) if (v.db.sqlite.open) await v.close();
  await rm(root, { recursive: true, force: true });
});

async function create(name = 'vault'): Promise<{ vault: Vault; recoveryKey: string }> {
  const created = await Vault.create(join(root, name), PASSWORD, deps);
  toClose.push(created.vault);
  return created;
}

async function reopen(vault: Vault): Promise<Vault> {
  await vault.close();
  const opened = await Vault.open(vault.dir, deps);
  toClose.push(opened);
  return opened;
}

const at = (elapsedMs: number, monotonicElapsedMs = elapsedMs): SessionTimes => ({
  now: T0 + elapsedMs,
  monotonic: MONO0 + monotonicElapsedMs,
});

function unlockActions(vault: Vault): string[] {
  return vault.db.sqlite
    .prepare("SELECT action, detail FROM audit_log WHERE action LIKE 'vault.%' ORDER BY seq")
    .all()
    .map((r) => {
      const row = r as { action: string; detail: string };
      return `${row.action} ${(JSON.parse(row.detail) as { method?: string }).method ?? ''}`.trim();
    });
}

async function begin(length = 30 * MINUTE_MS): Promise<{ vault: Vault; key: Uint8Array; record: SessionRecord }> {
  const { vault } = await create();
  const session = newSessionKey();
  const record = vault.beginSession(session.key, at(0), length);
  return { vault: await reopen(vault), key: parseSessionToken(session.token), record };
}

describe('a CLI session of the vault', () => {
  it('opens the vault without the password while it runs, recorded in the audit log', async () => {
    const { vault, key, record } = await begin();
    expect(vault.isUnlocked).toBe(false);
    await vault.unlockWithSession(record, key, at(29 * MINUTE_MS));
    expect(vault.isUnlocked).toBe(true);
    expect(unlockActions(vault)).toEqual(['vault.created', 'vault.session_started', 'vault.unlocked session']);
    expect(vault.audit.verify()).toEqual([]);
  });

  it('the record holds the vault key only sealed', async () => {
    const { vault } = await create();
    const session = newSessionKey();
    const record = vault.beginSession(session.key, at(0), 30 * MINUTE_MS);
    const stored = JSON.stringify(record);
    const vaultKey = Buffer.from(vault.contentKey.key);
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      expect(stored).not.toContain(vaultKey.toString(encoding));
      expect(stored).not.toContain(Buffer.from(session.key).toString(encoding));
    }
  });

  it('ends when its time is up on the wall clock, or on the monotonic clock when the wall clock was set back', async () => {
    const { vault, key, record } = await begin();
    await expect(vault.unlockWithSession(record, key, at(30 * MINUTE_MS))).rejects.toBeInstanceOf(SessionExpiredError);
    // The wall clock set back by an hour: ten minutes seem to have passed, but the monotonic clock knows.
    await expect(vault.unlockWithSession(record, key, at(10 * MINUTE_MS, 31 * MINUTE_MS))).rejects.toBeInstanceOf(
      SessionExpiredError,
    );
    // Set back past its start.
    await expect(vault.unlockWithSession(record, key, at(-HOUR_MS, 5 * MINUTE_MS))).rejects.toThrow(/set back/);
    // The monotonic clock behind its start: the machine restarted.
    await expect(vault.unlockWithSession(record, key, at(MINUTE_MS, -MINUTE_MS))).rejects.toThrow(/restarted/);
    expect(vault.isUnlocked).toBe(false);
  });

  it('tolerates a wall clock a little behind its start (NTP), which the monotonic clock still bounds', () => {
    const header = { ...parseRecordOf(30 * MINUTE_MS) };
    expect(sessionEndReason(header, at(-CLOCK_SKEW_MS + 1000, MINUTE_MS))).toBeNull();
    expect(sessionEndReason(header, at(-CLOCK_SKEW_MS - 1000, MINUTE_MS))).toMatch(/set back/);
  });

  it('ends with a new password, a recovery or a new recovery key', async () => {
    for (const change of ['password', 'recover', 'recovery-key'] as const) {
      const { vault: created, recoveryKey } = await create(`vault-${change}`);
      const session = newSessionKey();
      const record = created.beginSession(session.key, at(0), 30 * MINUTE_MS);
      if (change === 'password') await created.changePassword(PASSWORD, 'another long password');
      if (change === 'recover') await created.recover(recoveryKey, 'another long password');
      if (change === 'recovery-key') created.regenerateRecoveryKey();
      const vault = await reopen(created);
      const refused = vault.unlockWithSession(record, session.key, at(MINUTE_MS));
      await expect(refused, change).rejects.toBeInstanceOf(SessionExpiredError);
      await expect(refused, change).rejects.toThrow(/password was changed/);
    }
  });

  it('opens nothing with another key, for another vault, or from an edited record', async () => {
    const { vault, key, record } = await begin();
    await expect(vault.unlockWithSession(record, randomBytes(32), at(MINUTE_MS))).rejects.toBeInstanceOf(
      SessionInvalidError,
    );
    const { vault: other } = await create('other');
    await expect(other.unlockWithSession(record, key, at(MINUTE_MS))).rejects.toThrow(/another vault/);
    // A longer expiry written into the record: its associated data no longer matches.
    const longer = { ...record, expiresAt: record.expiresAt + HOUR_MS };
    await expect(vault.unlockWithSession(longer, key, at(40 * MINUTE_MS))).rejects.toThrow(/changed or damaged/);
    const restarted = { ...record, monotonicAt: 0 };
    await expect(vault.unlockWithSession(restarted, key, at(MINUTE_MS))).rejects.toBeInstanceOf(SessionInvalidError);
    expect(vault.isUnlocked).toBe(false);
  });

  it('refuses a record that is well formed but carries some other key (forged with a session key of its own)', async () => {
    const { vault, record } = await begin();
    const forger = newSessionKey();
    const { format: _f, sessionId: _s, nonce: _n, wrappedKey: _w, ...header } = record;
    const forged = sealSessionRecord(randomBytes(32), forger.key, header);
    await expect(vault.unlockWithSession(forged, forger.key, at(MINUTE_MS))).rejects.toThrow(/not this vault's/);
    expect(vault.isUnlocked).toBe(false);
    // Nothing was written with the forged key: the history is whole under the real one.
    await vault.unlock(PASSWORD);
    expect(vault.audit.verify()).toEqual([]);
  });

  it('lasts from one minute to one day', async () => {
    const { vault } = await create();
    const { key } = newSessionKey();
    expect(() => vault.beginSession(key, at(0), MINUTE_MS - 1)).toThrow(BadRequestError);
    expect(() => vault.beginSession(key, at(0), MAX_SESSION_MS + 1)).toThrow(BadRequestError);
    expect(vault.beginSession(key, at(0), MAX_SESSION_MS).expiresAt).toBe(T0 + MAX_SESSION_MS);
  });
});

describe('session records and keys', () => {
  it('a session key is 32 random bytes in 43 base64url characters; anything else is refused', () => {
    const { key, token } = newSessionKey();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(parseSessionToken(token)).equals(Buffer.from(key))).toBe(true);
    for (const bad of ['', 'short', `${token}x`, token.replace(/^./, '+'), 'a'.repeat(44)]) {
      expect(() => parseSessionToken(bad), bad).toThrow(SessionInvalidError);
    }
  });

  it('parses what it wrote, and refuses another shape', () => {
    const record = parseRecordOf(30 * MINUTE_MS);
    const bytes = new TextEncoder().encode(JSON.stringify(record));
    expect(parseSessionRecord(bytes)).toEqual(record);
    for (const bad of ['{', '[]', 'null', JSON.stringify({ ...record, format: 'v0' })]) {
      expect(() => parseSessionRecord(new TextEncoder().encode(bad)), bad).toThrow(SessionInvalidError);
    }
    const { createdAt: _c, ...noStart } = record;
    expect(() => parseSessionRecord(new TextEncoder().encode(JSON.stringify(noStart)))).toThrow(SessionInvalidError);
  });
});

function parseRecordOf(length: number): SessionRecord {
  return sealSessionRecord(randomBytes(32), newSessionKey().key, {
    vaultId: '00000000-0000-4000-8000-000000000000',
    generation: 'g',
    createdAt: T0,
    expiresAt: T0 + length,
    monotonicAt: MONO0,
  });
}
