import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import type { KeyStore } from '../ports/key-store.js';
import { generateRecoveryKey } from '../crypto/recovery-key.js';
import { RecoveryKeyChecksumError, RecoveryKeyFormatError, WeakKdfParamsError } from '../crypto/crypto-errors.js';
import { SCRYPT_FLOOR, TEST_SCRYPT_FLOOR } from '../crypto/kdf.js';
import { AfterwordError, BadRequestError, IntegrityError } from '../errors.js';
import { createVaultServices } from '../services.js';
import { Vault, type VaultDeps } from './vault.js';
import { backoffDelayMs, FIRST_DELAY_MS, FREE_ATTEMPTS, MAX_DELAY_MS } from './unlock-guard.js';
import {
  DeviceKeyUnavailableError,
  KeyWrapTamperedError,
  LockedOutError,
  RecoveryKeyWrongError,
  VaultExistsError,
  VaultLockedError,
  VaultNotFoundError,
  WrongPasswordError,
} from './vault-errors.js';
import { databasePath } from './vault-paths.js';
import { looseVaultModes, STALE_TEMP_BLOB_MS } from './vault-files.js';
import { VaultTooNewError } from '../db/db-errors.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'not the password at all';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

let root = '';
let dir = '';
let clock: ManualClock;
let deps: VaultDeps;
const toClose: Vault[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-vault-'));
  dir = join(root, 'vault');
  clock = new ManualClock(T0);
  // The cheapest KDF (each wrong password, unlock and new password is one scrypt); the tests of the
  // real floor set it themselves.
  deps = { clock, scrypt: TEST_SCRYPT_FLOOR, kdfFloor: TEST_SCRYPT_FLOOR };
});
afterEach(async () => {
  for (const v of toClose.splice(0)) if (v.db.sqlite.open) await v.close();
  await rm(root, { recursive: true, force: true });
});

async function create(password = PASSWORD): Promise<{ vault: Vault; recoveryKey: string }> {
  const created = await Vault.create(dir, password, deps);
  toClose.push(created.vault);
  return created;
}

async function reopen(vault: Vault): Promise<Vault> {
  await vault.close();
  const opened = await Vault.open(dir, deps);
  toClose.push(opened);
  return opened;
}

/** Resolves to the error a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

function failures(vault: Vault): number {
  return vault.db.sqlite.prepare('SELECT failures FROM unlock_guard WHERE id = 1').pluck().get() as number;
}

function rawWrap(vault: Vault, kind: string): { params: string; wrapped_key: Buffer; verifier: Buffer } {
  return vault.db.sqlite.prepare('SELECT params, wrapped_key, verifier FROM key_wraps WHERE kind = ?').get(kind) as {
    params: string;
    wrapped_key: Buffer;
    verifier: Buffer;
  };
}

/** Fails `n` times with a wrong password, each allowed by the guard. */
async function failTimes(vault: Vault, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await expect(vault.unlock(WRONG)).rejects.toBeInstanceOf(WrongPasswordError);
  }
}

describe('Vault: create, open, unlock', () => {
  it('create + lock + unlock round-trips content', async () => {
    const { vault, recoveryKey } = await create();
    expect(vault.isUnlocked).toBe(true);
    expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{6}-){5}[0-9A-HJKMNP-TV-Z]{6}$/);
    const id = createVaultServices(vault, clock).messages.create({
      title: 'For Ana',
      body: 'the key is in the blue box',
    });
    vault.lock();
    expect(vault.isUnlocked).toBe(false);
    expect(() => vault.contentKey).toThrow(VaultLockedError);

    const opened = await reopen(vault);
    expect(opened.isUnlocked).toBe(false);
    await opened.unlock(PASSWORD);
    expect(opened.isUnlocked).toBe(true);
    const msg = createVaultServices(opened, clock).messages.get(id);
    expect(msg.title).toBe('For Ana');
    expect(msg.body).toBe('the key is in the blue box');
  });

  it('accepts the password in another Unicode normalization form', async () => {
    const { vault } = await create('caf\u00e9 au lait noir');
    vault.lock();
    await vault.unlock('cafe\u0301 au lait noir');
    expect(vault.isUnlocked).toBe(true);
  });

  it('refuses a too-short new password with a BadRequestError that says what to do', async () => {
    const error = await failure(Vault.create(dir, 'short', deps));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toMatch(/shorter than 8 characters: choose a longer one/);
    expect(Vault.exists(dir)).toBe(false);
  });

  it('refuses scrypt parameters below the floor at creation', async () => {
    await expect(Vault.create(dir, PASSWORD, { clock, scrypt: { logN: 14, r: 8, p: 1 } })).rejects.toBeInstanceOf(
      WeakKdfParamsError,
    );
  });

  it('Vault.create in an existing vault directory → VaultExistsError, existing vault untouched', async () => {
    const { vault } = await create();
    await vault.close();
    const before = await readFile(databasePath(dir));
    const error = await failure(Vault.create(dir, 'another password entirely', deps));
    expect(error).toBeInstanceOf(VaultExistsError);
    expect((error as AfterwordError).code).toBe('VAULT_EXISTS');
    expect(await readFile(databasePath(dir))).toEqual(before);
    const opened = await Vault.open(dir, deps);
    toClose.push(opened);
    await opened.unlock(PASSWORD);
  });

  it('Vault.open of a vault written by a newer version → VaultTooNewError', async () => {
    const { vault } = await create();
    vault.db.sqlite.pragma('user_version = 999');
    await vault.close();
    const error = await failure(Vault.open(dir, deps));
    expect(error).toBeInstanceOf(VaultTooNewError);
    expect((error as AfterwordError).code).toBe('VAULT_TOO_NEW');
  });

  it('Vault.open of an empty directory → VaultNotFoundError', async () => {
    await expect(Vault.open(join(root, 'nothing-here'), deps)).rejects.toBeInstanceOf(VaultNotFoundError);
  });

  it('creates the vault and blobs directories private to the user', async () => {
    await create();
    if (process.platform === 'win32') return;
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'blobs'))).mode & 0o777).toBe(0o700);
  });

  it('makes an existing 0777 directory and the database files private, whatever the umask', async () => {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o777);
    const umask = process.umask(0o000);
    try {
      await create();
    } finally {
      process.umask(umask);
    }
    const modes = async (names: string[]) =>
      Promise.all(names.map(async (n) => (await stat(join(dir, n))).mode & 0o777));
    expect(await modes(['.', 'blobs'])).toEqual([0o700, 0o700]);
    const dbFiles = (await readdir(dir)).filter((n) => n.startsWith('vault.db'));
    expect(dbFiles).toEqual(expect.arrayContaining(['vault.db', 'vault.db-wal']));
    expect(await modes(dbFiles)).toEqual(dbFiles.map(() => 0o600));
    expect(await looseVaultModes(dir)).toEqual([]);

    await chmod(join(dir, 'vault.db'), 0o644);
    await chmod(dir, 0o755);
    expect(await looseVaultModes(dir)).toEqual([
      expect.stringMatching(/^the vault directory is 0755: others can read it/),
      expect.stringMatching(/^vault.db is 0644: others can read it/),
    ]);
  });

  it('opening removes temp blobs of interrupted uploads, but not one that may be in progress', async () => {
    const { vault } = await create();
    await vault.close();
    const stale = join(dir, 'blobs', 'att_x.tmp-0011223344556677');
    const fresh = join(dir, 'blobs', 'att_y.tmp-8899aabbccddeeff');
    await writeFile(stale, 'partial');
    await writeFile(fresh, 'partial');
    const old = (Date.now() - STALE_TEMP_BLOB_MS - 60_000) / 1000;
    await utimes(stale, old, old);
    toClose.push(await Vault.open(dir, deps));
    expect(await readdir(join(dir, 'blobs'))).toEqual(['att_y.tmp-8899aabbccddeeff']);
  });
});

describe('Vault: wrong passwords and the unlock guard', () => {
  it('wrong password → WrongPasswordError (WRONG_PASSWORD), counted by the guard', async () => {
    const { vault } = await create();
    vault.lock();
    const error = await failure(vault.unlock(WRONG));
    expect(error).toBeInstanceOf(WrongPasswordError);
    expect((error as AfterwordError).code).toBe('WRONG_PASSWORD');
    expect(vault.isUnlocked).toBe(false);
    expect(failures(vault)).toBe(1);
    expect(vault.guard.state()).toMatchObject({ failures: 1, lastFailureAt: T0, retryAfterMs: 0 });
    await failTimes(vault, 2);
    expect(failures(vault)).toBe(3);
  });

  it('after 5 failures the 6th attempt within the wait is refused without trying the password', async () => {
    const { vault } = await create();
    vault.lock();
    await failTimes(vault, FREE_ATTEMPTS);
    expect(failures(vault)).toBe(5);

    const wrong = await failure(vault.unlock(WRONG));
    expect(wrong).toBeInstanceOf(LockedOutError);
    expect((wrong as AfterwordError).code).toBe('LOCKED_OUT');
    expect((wrong as LockedOutError).retryAfterMs).toBe(30_000);
    expect(wrong.message).toMatch(/try again in 30 s/);

    // Even the right password is refused (it is not tried), and nothing is counted.
    clock.advance(10_000);
    const right = await failure(vault.unlock(PASSWORD));
    expect(right).toBeInstanceOf(LockedOutError);
    expect((right as LockedOutError).retryAfterMs).toBe(20_000);
    expect(vault.isUnlocked).toBe(false);
    expect(failures(vault)).toBe(5);

    clock.advance(19_999);
    await expect(vault.unlock(PASSWORD)).rejects.toBeInstanceOf(LockedOutError);
    clock.advance(1);
    await vault.unlock(PASSWORD);
    expect(vault.isUnlocked).toBe(true);
  });

  it('the backoff doubles (30 s, 60 s, 120 s …) and caps at 1 h', async () => {
    const { vault } = await create();
    vault.lock();
    await failTimes(vault, FREE_ATTEMPTS);
    /** Refused until exactly the reported wait has passed, then heard (and failed) again. */
    const waitThenFail = async (): Promise<number> => {
      const refused = await failure(vault.unlock(WRONG));
      expect(refused).toBeInstanceOf(LockedOutError);
      const wait = (refused as LockedOutError).retryAfterMs;
      clock.advance(wait - 1);
      await expect(vault.unlock(WRONG)).rejects.toBeInstanceOf(LockedOutError);
      clock.advance(1);
      await expect(vault.unlock(WRONG)).rejects.toBeInstanceOf(WrongPasswordError);
      return wait;
    };
    const s = 1000;
    expect([await waitThenFail(), await waitThenFail(), await waitThenFail()]).toEqual([30 * s, 60 * s, 120 * s]);
    expect(failures(vault)).toBe(8);
    // Skip ahead (each step is one scrypt): as if failures 9..11 had happened just now.
    vault.db.sqlite.prepare('UPDATE unlock_guard SET failures = 11, last_failure_at = ?').run(clock.now());
    expect([await waitThenFail(), await waitThenFail(), await waitThenFail()]).toEqual([1920 * s, 3600 * s, 3600 * s]);
    expect(failures(vault)).toBe(14);
  });

  it('backoffDelayMs: 0 for the free attempts, then 30 s·2^(n−5) capped at 1 h', () => {
    for (let n = 0; n < FREE_ATTEMPTS; n++) expect(backoffDelayMs(n)).toBe(0);
    expect(backoffDelayMs(5)).toBe(FIRST_DELAY_MS);
    expect(backoffDelayMs(6)).toBe(60_000);
    expect(backoffDelayMs(7)).toBe(120_000);
    expect(backoffDelayMs(11)).toBe(1_920_000);
    expect(backoffDelayMs(12)).toBe(MAX_DELAY_MS);
    expect(backoffDelayMs(1000)).toBe(MAX_DELAY_MS);
    expect(backoffDelayMs(Number.MAX_SAFE_INTEGER)).toBe(MAX_DELAY_MS);
  });

  it('the failure count and the wait survive close + Vault.open (a restart)', async () => {
    const { vault } = await create();
    vault.lock();
    await failTimes(vault, FREE_ATTEMPTS);
    clock.advance(5_000);
    const restarted = await reopen(vault);
    expect(failures(restarted)).toBe(5);
    const refused = await failure(restarted.unlock(PASSWORD));
    expect(refused).toBeInstanceOf(LockedOutError);
    expect((refused as LockedOutError).retryAfterMs).toBe(25_000);
    clock.advance(25_000);
    await expect(restarted.unlock(WRONG)).rejects.toBeInstanceOf(WrongPasswordError);
    const again = await reopen(restarted);
    expect(failures(again)).toBe(6);
    expect(((await failure(again.unlock(PASSWORD))) as LockedOutError).retryAfterMs).toBe(60_000);
  });

  it('a clock set backwards does not shorten the wait, and the wait still ends', async () => {
    const { vault } = await create();
    vault.lock();
    await failTimes(vault, FREE_ATTEMPTS);
    clock.setWall(T0 - 24 * 60 * 60 * 1000); // a day back
    const refused = await failure(vault.unlock(PASSWORD));
    expect(refused).toBeInstanceOf(LockedOutError);
    expect((refused as LockedOutError).retryAfterMs).toBe(30_000);
    clock.advance(29_000);
    expect(((await failure(vault.unlock(PASSWORD))) as LockedOutError).retryAfterMs).toBeGreaterThan(0);
    // The full wait, counted from when the backwards clock was seen, has passed: the reported
    // "try again in 30 s" must be true, not "in a day and 30 s".
    clock.advance(1_000);
    await vault.unlock(PASSWORD);
    expect(vault.isUnlocked).toBe(true);
  });

  it('a clock set forward by less than the wait shortens it only by that much', async () => {
    const { vault } = await create();
    vault.lock();
    await failTimes(vault, FREE_ATTEMPTS);
    clock.setWall(T0 + 10_000);
    expect(((await failure(vault.unlock(PASSWORD))) as LockedOutError).retryAfterMs).toBe(20_000);
  });

  it('correct unlocks running at the same time from separate connections are never locked out', async () => {
    const { vault } = await create();
    await vault.close();
    const others = await Promise.all(Array.from({ length: 8 }, () => Vault.open(dir, deps)));
    toClose.push(...others);
    await Promise.all(others.map((v) => v.unlock(PASSWORD)));
    expect(others.every((v) => v.isUnlocked)).toBe(true);
    expect(failures(others[0]!)).toBe(0);
  });

  it('success resets the counter', async () => {
    const { vault } = await create();
    vault.lock();
    await failTimes(vault, FREE_ATTEMPTS);
    clock.advance(30_000);
    await vault.unlock(PASSWORD);
    expect(failures(vault)).toBe(0);
    expect(vault.guard.state()).toEqual({ failures: 0, lastFailureAt: null, retryAfterMs: 0 });
    vault.lock();
    await failTimes(vault, 1);
    // Had the counter not been reset this would be failure 6, with a 60 s wait.
    expect(vault.guard.state()).toMatchObject({ failures: 1, retryAfterMs: 0 });
  });

  it('concurrent attempts cannot get more guesses than the guard allows', async () => {
    const { vault } = await create();
    vault.lock();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => vault.unlock(WRONG)));
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).constructor : null));
    expect(reasons.filter((r) => r === WrongPasswordError)).toHaveLength(FREE_ATTEMPTS);
    expect(reasons.filter((r) => r === LockedOutError)).toHaveLength(12 - FREE_ATTEMPTS);
    expect(failures(vault)).toBe(FREE_ATTEMPTS);
  });

  it('a wrong current password in changePassword counts as a failure too', async () => {
    const { vault } = await create();
    await expect(vault.changePassword(WRONG, 'a brand new password')).rejects.toBeInstanceOf(WrongPasswordError);
    expect(failures(vault)).toBe(1);
  });
});

describe('Vault: recovery key', () => {
  // A new password is always wrapped at the real cost (never below SCRYPT_FLOOR).
  beforeEach(() => {
    deps = { ...deps, scrypt: SCRYPT_FLOOR };
  });

  it('recover sets a new password: the old one fails, the new one works, content stays readable', async () => {
    const { vault, recoveryKey } = await create();
    const id = createVaultServices(vault, clock).messages.create({ title: 'Letter', body: 'Dear Sam' });
    vault.lock();
    const opened = await reopen(vault);
    await opened.recover(recoveryKey.toLowerCase().replaceAll('-', ' '), 'the new password 2');
    expect(opened.isUnlocked).toBe(true);
    expect(createVaultServices(opened, clock).messages.get(id).body).toBe('Dear Sam');
    opened.lock();
    await expect(opened.unlock(PASSWORD)).rejects.toBeInstanceOf(WrongPasswordError);
    await opened.unlock('the new password 2');
    expect(createVaultServices(opened, clock).messages.get(id).title).toBe('Letter');
  });

  it('recover works while locked out and resets the guard', async () => {
    const { vault, recoveryKey } = await create();
    vault.lock();
    await failTimes(vault, FREE_ATTEMPTS);
    await expect(vault.unlock(PASSWORD)).rejects.toBeInstanceOf(LockedOutError);
    await vault.recover(recoveryKey, 'after the lockout');
    expect(failures(vault)).toBe(0);
    vault.lock();
    await vault.unlock('after the lockout');
  });

  it('wrong recovery keys have their own backoff; the audit log gets the first few and then every tenth', async () => {
    const { vault, recoveryKey } = await create();
    vault.lock();
    const other = generateRecoveryKey().display;
    for (let i = 0; i < FREE_ATTEMPTS; i++)
      expect(await failure(vault.unlockWithRecoveryKey(other))).toBeInstanceOf(RecoveryKeyWrongError);
    // The sixth within the wait is refused without trying, and the right key too.
    expect(await failure(vault.unlockWithRecoveryKey(other))).toBeInstanceOf(LockedOutError);
    expect(await failure(vault.unlockWithRecoveryKey(recoveryKey))).toBeInstanceOf(LockedOutError);
    // Passwords are counted apart: the owner is not locked out of the password.
    await vault.unlock(PASSWORD);
    vault.lock();
    // 500 guesses, each after its wait: the log grows by a handful of rows, not 500.
    const rowsBefore = vault.db.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
    for (let i = 0; i < 495; i++) {
      clock.advance(MAX_DELAY_MS);
      await failure(vault.unlockWithRecoveryKey(other));
    }
    const rows = vault.db.sqlite
      .prepare(`SELECT detail FROM audit_log WHERE action = 'vault.unlock_failed'`)
      .pluck()
      .all() as string[];
    const counts = rows.map((d) => (JSON.parse(d) as { failures: number }).failures);
    expect(counts).toEqual([1, 2, 3, 4, 5, ...Array.from({ length: 50 }, (_, i) => (i + 1) * 10)]);
    expect((vault.db.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() as number) - rowsBefore).toBe(50);
    // The owner, signed in, stopping a false trigger is not held back by the strangers' guesses.
    await vault.unlockWithRecoveryKey(recoveryKey, { ownerSignedIn: true });
    vault.lock();
    clock.advance(MAX_DELAY_MS);
    await vault.unlockWithRecoveryKey(recoveryKey);
    expect(vault.db.sqlite.prepare('SELECT failures FROM recovery_guard').pluck().get()).toBe(0);
  });

  it('a well-formed recovery key of another vault → RecoveryKeyWrongError, nothing changed', async () => {
    const { vault } = await create();
    vault.lock();
    const wrapBefore = rawWrap(vault, 'password');
    const other = generateRecoveryKey().display;
    const error = await failure(vault.recover(other, 'the new password 2'));
    expect(error).toBeInstanceOf(RecoveryKeyWrongError);
    expect((error as AfterwordError).code).toBe('RECOVERY_KEY_INVALID');
    expect(vault.isUnlocked).toBe(false);
    expect(rawWrap(vault, 'password')).toEqual(wrapBefore);
    await vault.unlock(PASSWORD);
  });

  it('a typo in the recovery key → checksum error, not "wrong key"', async () => {
    const { vault, recoveryKey } = await create();
    vault.lock();
    // Change one data symbol to another valid symbol.
    const i = 3;
    const typo = recoveryKey.slice(0, i) + (recoveryKey[i] === '7' ? '8' : '7') + recoveryKey.slice(i + 1);
    await expect(vault.recover(typo, 'the new password 2')).rejects.toBeInstanceOf(RecoveryKeyChecksumError);
    await expect(vault.recover(recoveryKey.slice(0, -1), 'the new password 2')).rejects.toBeInstanceOf(
      RecoveryKeyFormatError,
    );
    expect(vault.isUnlocked).toBe(false);
  });

  it('regenerateRecoveryKey: the old key stops working, the new one works', async () => {
    const { vault, recoveryKey } = await create();
    const fresh = vault.regenerateRecoveryKey();
    expect(fresh).not.toBe(recoveryKey);
    vault.lock();
    expect(() => vault.regenerateRecoveryKey()).toThrow(VaultLockedError);
    await expect(vault.recover(recoveryKey, 'the new password 2')).rejects.toBeInstanceOf(RecoveryKeyWrongError);
    await vault.recover(fresh, 'the new password 2');
    expect(vault.isUnlocked).toBe(true);
  });
});

describe('Vault: changePassword', () => {
  // A new password is always wrapped at the real cost (never below SCRYPT_FLOOR).
  beforeEach(() => {
    deps = { ...deps, scrypt: SCRYPT_FLOOR };
  });

  it('re-wraps the key without re-encrypting content', async () => {
    const { vault, recoveryKey } = await create();
    const services = createVaultServices(vault, clock);
    const rcp = services.recipients.add({ type: 'email', name: 'Ana', contact: 'ana@example.org' });
    const ids = [
      services.messages.create({ title: 'One', body: 'first', recipientIds: [rcp.id] }),
      services.messages.create({ title: 'Two', body: 'second' }),
    ];
    const snapshot = (): unknown[] => [
      vault.db.sqlite.prepare('SELECT id, title, body_text, body_html FROM messages ORDER BY id').all(),
      vault.db.sqlite.prepare('SELECT id, name, contact FROM recipients ORDER BY id').all(),
    ];
    const before = snapshot();
    const passwordWrapBefore = rawWrap(vault, 'password');
    const recoveryWrapBefore = rawWrap(vault, 'recovery');

    await vault.changePassword(PASSWORD, 'a brand new password');

    expect(snapshot()).toEqual(before);
    expect(rawWrap(vault, 'password').wrapped_key).not.toEqual(passwordWrapBefore.wrapped_key);
    expect(rawWrap(vault, 'password').params).not.toEqual(passwordWrapBefore.params); // fresh salt
    expect(rawWrap(vault, 'recovery')).toEqual(recoveryWrapBefore);

    const opened = await reopen(vault);
    await expect(opened.unlock(PASSWORD)).rejects.toBeInstanceOf(WrongPasswordError);
    await opened.unlock('a brand new password');
    const repo = createVaultServices(opened, clock).messages;
    expect(ids.map((id) => repo.get(id).body)).toEqual(['first', 'second']);
    opened.lock();
    await opened.recover(recoveryKey, 'recovered again!'); // the recovery key still works
  });

  it('refuses a too-short new password before touching anything', async () => {
    const { vault } = await create();
    const before = rawWrap(vault, 'password');
    await expect(vault.changePassword(PASSWORD, 'short')).rejects.toBeInstanceOf(BadRequestError);
    expect(rawWrap(vault, 'password')).toEqual(before);
  });
});

describe('Vault: tampered key wraps', () => {
  it('a flipped byte in the password wrap, with the right password → KeyWrapTamperedError (INTEGRITY)', async () => {
    const { vault } = await create();
    vault.lock();
    const wrap = rawWrap(vault, 'password');
    for (const offset of [30, wrap.wrapped_key.length - 1, 0]) {
      const tampered = Buffer.from(wrap.wrapped_key);
      tampered[offset]! ^= 0x01;
      vault.db.sqlite.prepare(`UPDATE key_wraps SET wrapped_key = ? WHERE kind = 'password'`).run(tampered);
      const error = await failure(vault.unlock(PASSWORD));
      expect(error, `offset ${offset}`).toBeInstanceOf(KeyWrapTamperedError);
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).not.toBeInstanceOf(WrongPasswordError);
      expect((error as AfterwordError).code).toBe('INTEGRITY');
      expect(error.message).toMatch(/password key wrap has been modified/);
      expect(vault.isUnlocked).toBe(false);
    }
    // Tampering is not a guess: the guard did not count it.
    expect(failures(vault)).toBe(0);
    // And a wrong password on the tampered wrap is still a plain wrong password.
    await expect(vault.unlock(WRONG)).rejects.toBeInstanceOf(WrongPasswordError);
  });

  it('a wrap moved to another vault does not open there (bound to vault id and key id)', async () => {
    const { vault } = await create();
    const wrap = rawWrap(vault, 'password');
    await vault.close();
    dir = join(root, 'second');
    const { vault: second } = await create();
    second.lock();
    second.db.sqlite
      .prepare(`UPDATE key_wraps SET params = ?, verifier = ?, wrapped_key = ? WHERE kind = 'password'`)
      .run(wrap.params, wrap.verifier, wrap.wrapped_key);
    await expect(second.unlock(PASSWORD)).rejects.toBeInstanceOf(KeyWrapTamperedError);
  });

  it('scrypt parameters below the floor in key_wraps.params → integrity error, password not tried', async () => {
    deps = { clock, scrypt: SCRYPT_FLOOR };
    const { vault } = await create();
    vault.lock();
    const params = JSON.parse(rawWrap(vault, 'password').params) as Record<string, unknown>;
    expect(params).toMatchObject({ logN: 15, r: 8, p: 1 });
    for (const weak of [{ logN: 10 }, { r: 1 }, { p: 0 }, { logN: 15.5 }]) {
      vault.db.sqlite
        .prepare(`UPDATE key_wraps SET params = ? WHERE kind = 'password'`)
        .run(JSON.stringify({ ...params, ...weak }));
      const error = await failure(vault.unlock(PASSWORD));
      expect(error, JSON.stringify(weak)).toBeInstanceOf(WeakKdfParamsError);
      expect((error as AfterwordError).code).toBe('INTEGRITY');
    }
    vault.db.sqlite.prepare(`UPDATE key_wraps SET params = ? WHERE kind = 'password'`).run('{not json');
    const unreadable = await failure(vault.unlock(PASSWORD));
    expect(unreadable).toBeInstanceOf(IntegrityError);
    expect(failures(vault)).toBe(0);
    expect(vault.isUnlocked).toBe(false);
  });

  it('a missing password wrap → integrity error', async () => {
    const { vault } = await create();
    vault.lock();
    vault.db.sqlite.prepare(`DELETE FROM key_wraps WHERE kind = 'password'`).run();
    const error = await failure(vault.unlock(PASSWORD));
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.message).toMatch(/password key wrap is missing/);
  });

  it('a tampered recovery wrap with the right recovery key → KeyWrapTamperedError', async () => {
    const { vault, recoveryKey } = await create();
    vault.lock();
    const tampered = Buffer.from(rawWrap(vault, 'recovery').wrapped_key);
    tampered[40]! ^= 0x80;
    vault.db.sqlite.prepare(`UPDATE key_wraps SET wrapped_key = ? WHERE kind = 'recovery'`).run(tampered);
    await expect(vault.recover(recoveryKey, 'the new password 2')).rejects.toBeInstanceOf(KeyWrapTamperedError);
  });
});

describe('Vault: device key (FileKeyStore)', () => {
  let keyDir = '';
  beforeEach(() => {
    keyDir = join(root, 'keys');
  });

  it('enable, lock, unlockWithDeviceKey works; the key file is 0600 in a 0700 directory', async () => {
    const { vault } = await create();
    const store = new FileKeyStore(keyDir);
    const id = createVaultServices(vault, clock).messages.create({ title: 'Unattended', body: 'deliver me' });
    await vault.enableDeviceKey(store);
    expect(vault.deviceKeyStatus()).toEqual({ enabled: true, backend: 'file' });

    const files = await readdir(keyDir);
    expect(files).toEqual([`vault-${vault.vaultId}.key`]);
    if (process.platform !== 'win32') {
      expect((await stat(join(keyDir, files[0]!))).mode & 0o777).toBe(0o600);
      expect((await stat(keyDir)).mode & 0o777).toBe(0o700);
    }
    expect((await readFile(join(keyDir, files[0]!))).length).toBe(32);

    const opened = await reopen(vault);
    await opened.unlockWithDeviceKey(new FileKeyStore(keyDir));
    expect(opened.isUnlocked).toBe(true);
    expect(createVaultServices(opened, clock).messages.get(id).body).toBe('deliver me');
  });

  it('a missing key file → DeviceKeyUnavailableError', async () => {
    const { vault } = await create();
    const store = new FileKeyStore(keyDir);
    await vault.enableDeviceKey(store);
    vault.lock();
    await rm(keyDir, { recursive: true });
    const error = await failure(vault.unlockWithDeviceKey(store));
    expect(error).toBeInstanceOf(DeviceKeyUnavailableError);
    expect(error.message).toMatch(/missing from the file key store/);
    expect(vault.isUnlocked).toBe(false);
  });

  it('a different backend name → DeviceKeyUnavailableError (a silent backend change is caught)', async () => {
    const { vault } = await create();
    const store = new FileKeyStore(keyDir);
    await vault.enableDeviceKey(store);
    vault.lock();
    const other: KeyStore = {
      backend: 'gnome-libsecret',
      get: (account) => store.get(account),
      set: (account, secret) => store.set(account, secret),
      delete: (account) => store.delete(account),
    };
    const error = await failure(vault.unlockWithDeviceKey(other));
    expect(error).toBeInstanceOf(DeviceKeyUnavailableError);
    expect(error.message).toMatch(/changed from "file" to "gnome-libsecret"/);
    expect(vault.isUnlocked).toBe(false);
  });

  it('a key file readable by other users is refused, and the vault stays locked', async () => {
    if (process.platform === 'win32') return;
    const { vault } = await create();
    const store = new FileKeyStore(keyDir);
    await vault.enableDeviceKey(store);
    vault.lock();
    await chmod(join(keyDir, `vault-${vault.vaultId}.key`), 0o644);
    await expect(vault.unlockWithDeviceKey(store)).rejects.toThrow(/readable by other users/);
    expect(vault.isUnlocked).toBe(false);
  });

  it('a key file holding another key → DeviceKeyUnavailableError', async () => {
    const { vault } = await create();
    const store = new FileKeyStore(keyDir);
    await vault.enableDeviceKey(store);
    vault.lock();
    await writeFile(join(keyDir, `vault-${vault.vaultId}.key`), Buffer.alloc(32, 7), { mode: 0o600 });
    await expect(vault.unlockWithDeviceKey(store)).rejects.toBeInstanceOf(DeviceKeyUnavailableError);
    expect(vault.isUnlocked).toBe(false);
  });

  it('not enabled, or disabled → DeviceKeyUnavailableError; disabling deletes the key file', async () => {
    const { vault } = await create();
    const store = new FileKeyStore(keyDir);
    vault.lock();
    await expect(vault.unlockWithDeviceKey(store)).rejects.toBeInstanceOf(DeviceKeyUnavailableError);
    await expect(vault.enableDeviceKey(store)).rejects.toBeInstanceOf(VaultLockedError);
    await vault.unlock(PASSWORD);
    await vault.enableDeviceKey(store);
    await vault.disableDeviceKey(store);
    expect(vault.deviceKeyStatus()).toEqual({ enabled: false, backend: null });
    expect(await readdir(keyDir)).toEqual([]);
    vault.lock();
    await expect(vault.unlockWithDeviceKey(store)).rejects.toBeInstanceOf(DeviceKeyUnavailableError);
  });

  /** Stands in for the OS key store: a store that `replaces` the files, and can be made to fail. */
  function keyringOver(files: KeyStore, failSet = false): KeyStore & { entries: Map<string, Uint8Array> } {
    const entries = new Map<string, Uint8Array>();
    return {
      backend: 'keyring:test',
      replaces: files,
      entries,
      get: async (account) => entries.get(account) ?? null,
      set: async (account, secret) => {
        if (failSet) throw new Error('the keyring is locked');
        entries.set(account, Uint8Array.from(secret));
      },
      delete: async (account) => void entries.delete(account),
    };
  }

  it('a key in the files stays there when an OS key store appears (a login keyring is locked after a reboot); enabling again moves it', async () => {
    const { vault } = await create();
    const files = new FileKeyStore(keyDir);
    await vault.enableDeviceKey(files);
    const original = await files.get(`vault-${vault.vaultId}`);
    const opened = await reopen(vault);
    const keyring = keyringOver(files);
    await opened.unlockWithDeviceKey(keyring);
    expect(opened.isUnlocked).toBe(true);
    expect(opened.deviceKeyStatus()).toEqual({ enabled: true, backend: 'file' });
    expect(keyring.entries.size).toBe(0);
    expect(await readdir(keyDir)).toContain(`vault-${opened.vaultId}.key`);
    // The files alone still open it (cron, a service after a reboot).
    const viaFiles = await reopen(opened);
    await viaFiles.unlockWithDeviceKey(files);
    expect(viaFiles.isUnlocked).toBe(true);
    // Moved only on purpose: enabling with the key store.
    await viaFiles.enableDeviceKey(keyring);
    expect(viaFiles.deviceKeyStatus()).toEqual({ enabled: true, backend: 'keyring:test' });
    expect(keyring.entries.get(`vault-${viaFiles.vaultId}`)).not.toEqual(original);
    expect(await readdir(keyDir)).not.toContain(`vault-${viaFiles.vaultId}.key`);
  });

  it('the device wrap is refused in another vault even with the same key store', async () => {
    const { vault } = await create();
    const store = new FileKeyStore(keyDir);
    await vault.enableDeviceKey(store);
    const wrap = vault.db.sqlite.prepare(`SELECT * FROM key_wraps WHERE kind = 'device'`).get() as Record<
      string,
      unknown
    >;
    await vault.close();
    dir = join(root, 'second');
    const { vault: second } = await create();
    second.lock();
    second.db.sqlite
      .prepare(
        'INSERT INTO key_wraps (kind, kdf, params, verifier, wrapped_key, created_at) VALUES (@kind, @kdf, @params, @verifier, @wrapped_key, @created_at)',
      )
      .run(wrap);
    // The second vault looks up its own account: there is no key for it.
    await expect(second.unlockWithDeviceKey(store)).rejects.toBeInstanceOf(DeviceKeyUnavailableError);
    expect(second.isUnlocked).toBe(false);
  });
});
