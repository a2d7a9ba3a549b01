import { existsSync } from 'node:fs';
import { APP_VERSION } from '../app-version.js';
import { mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { KeyStore } from '../ports/key-store.js';
import { randomBytes } from '../crypto/aead.js';
import type { ContentKey } from '../crypto/envelope.js';
import { DEFAULT_SCRYPT } from '../crypto/kdf.js';
import { generateRecoveryKey } from '../crypto/recovery-key.js';
import { openDatabase, openDatabaseCopy, type VaultDb } from '../db/open-database.js';
import { AuditLog } from '../audit/audit-log.js';
import { IntegrityError } from '../errors.js';
import { isStorageUnavailable } from '../storage-errors.js';
import { UnlockGuard } from './unlock-guard.js';
import { wrapWithPassword, wrapWithRecoveryKey, type WrapContext } from './key-wraps.js';
import { KeyWrapStore } from './key-wrap-store.js';
import { DeviceUnlock } from './device-unlock.js';
import { SecondFactorCheck } from './second-factor-check.js';
import { whereWritable } from './where-writable.js';
import { makeVaultPrivate, removeStaleTempBlobs } from './vault-files.js';
import { checkHighWaterMark, moveMark, sealedEnd } from './rollback-mark.js';
import { blobsPath, databasePath } from './vault-paths.js';
import { VaultExistsError, VaultKeyWrongError, VaultNotFoundError } from './vault-errors.js';
import { passwordSchema, describeIssue } from '../../../shared/validation.js';
import { BadRequestError } from '../errors.js';
import { RecoveryKeyCheck } from './recovery-key-check.js';
import { PasswordCheck } from './password-check.js';
import type { RemoteSignIn, VaultDeps } from './vault-deps.js';
import { VaultKeyHolder } from './vault-key-holder.js';
import { SessionUnlock } from './session-unlock.js';
import type { SessionRecord, SessionTimes } from './session-record.js';

export type { RemoteSignIn, VaultDeps } from './vault-deps.js';
export { APP_VERSION };

function assertNewPassword(password: string): void {
  const parsed = passwordSchema().safeParse(password);
  if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
}

/** The vault's id and key id (closes the database when it has none). */
async function identityOf(db: VaultDb): Promise<WrapContext> {
  const info = db.q.get(db.kysely.selectFrom('vault_info').selectAll().where('id', '=', 1));
  if (info) return { vaultId: info.vault_id, keyId: new Uint8Array(info.key_id) };
  await db.close();
  throw new IntegrityError('the vault has no identity record: it is damaged or was never finished');
}

/**
 * A vault directory: the database, the blobs, and — once unlocked — the vault key in memory.
 * Opening never needs a secret; reading content does.
 */
export class Vault {
  readonly audit: AuditLog;
  readonly guard: UnlockGuard;
  /** Wrong recovery keys: the same backoff as passwords, counted apart. */
  readonly recoveryGuard: UnlockGuard;
  /** Two-step sign-in for the runner: the TOTP store, and codes proven while unlocked. */
  readonly secondFactors: SecondFactorCheck;
  private readonly key: VaultKeyHolder;
  private readonly passwords: PasswordCheck;
  /** False while an older copy waits for the owner's password (openOlderCopy): the mark must not move yet. */
  private movesMark = true;
  private readonly wraps: KeyWrapStore;
  private readonly device: DeviceUnlock;
  private readonly recoveryKeys: RecoveryKeyCheck;
  private readonly sessions: SessionUnlock;

  private constructor(
    readonly dir: string,
    readonly db: VaultDb,
    private readonly ctx: WrapContext,
    private readonly deps: VaultDeps,
  ) {
    this.audit = new AuditLog(db.kysely, db.q, deps.clock, null);
    this.guard = new UnlockGuard(db.kysely, db.q, deps.clock);
    this.recoveryGuard = new UnlockGuard(db.kysely, db.q, deps.clock, 'recovery_guard');
    this.wraps = new KeyWrapStore(db, deps.clock);
    this.key = new VaultKeyHolder(ctx.keyId, ctx.vaultId, this.audit);
    this.device = new DeviceUnlock({
      db,
      audit: this.audit,
      wraps: this.wraps,
      ctx,
      vaultKey: () => this.contentKey.key,
      unlock: async (key) => {
        this.key.set(key);
        this.whereWritable(() => this.audit.append({ action: 'vault.unlocked', detail: { method: 'device' } }));
        await this.recordMark();
      },
    });
    this.sessions = new SessionUnlock({
      audit: this.audit,
      wraps: this.wraps,
      ctx,
      vaultKey: () => this.contentKey.key,
      record: (write) => this.whereWritable(write),
      unlock: async (key, session) => {
        this.key.set(key);
        this.whereWritable(() =>
          this.audit.append({ action: 'vault.unlocked', detail: { method: 'session', session } }),
        );
        await this.recordMark();
      },
    });
    this.recoveryKeys = new RecoveryKeyCheck({
      db,
      audit: this.audit,
      guard: this.recoveryGuard,
      wraps: this.wraps,
      ctx,
    });
    this.secondFactors = new SecondFactorCheck({
      db,
      audit: this.audit,
      guard: this.guard,
      clock: deps.clock,
      keyId: ctx.keyId,
      contentKey: () => this.contentKey,
    });
    this.passwords = new PasswordCheck({
      db,
      audit: this.audit,
      guard: this.guard,
      wraps: this.wraps,
      ctx,
      secondFactors: this.secondFactors,
      scrypt: deps.scrypt,
      kdfFloor: deps.kdfFloor,
    });
  }

  static exists(dir: string): boolean {
    return existsSync(databasePath(dir));
  }

  get blobsDir(): string {
    return blobsPath(this.dir);
  }

  get vaultId(): string {
    return this.ctx.vaultId;
  }

  static async create(dir: string, password: string, deps: VaultDeps): Promise<{ vault: Vault; recoveryKey: string }> {
    assertNewPassword(password);
    if (Vault.exists(dir)) throw new VaultExistsError(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await mkdir(blobsPath(dir), { recursive: true, mode: 0o700 });

    const vaultKey = randomBytes(32);
    const ctx: WrapContext = { vaultId: randomUUID(), keyId: randomBytes(8) };
    const recovery = generateRecoveryKey();
    const passwordWrap = await wrapWithPassword(vaultKey, password, deps.scrypt ?? DEFAULT_SCRYPT, ctx, deps.kdfFloor);
    const recoveryWrap = wrapWithRecoveryKey(vaultKey, recovery.entropy, ctx);

    const db = await openDatabase(databasePath(dir));
    const vault = new Vault(dir, db, ctx, deps);
    vault.key.set(vaultKey);
    const now = deps.clock.now();
    try {
      db.q.transaction(() => {
        db.q.run(
          db.kysely.insertInto('vault_info').values({
            id: 1,
            vault_id: ctx.vaultId,
            key_id: ctx.keyId,
            created_at: now,
            created_by_version: APP_VERSION,
          }),
        );
        vault.wraps.put(passwordWrap);
        vault.wraps.put(recoveryWrap);
        vault.audit.append({ action: 'vault.created', detail: { scryptLogN: (deps.scrypt ?? DEFAULT_SCRYPT).logN } });
      });
    } catch (error) {
      // Nothing was stored yet: remove the half-made database so `init` can simply be run again.
      await vault.close();
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${databasePath(dir)}${suffix}`, { force: true })));
      throw error;
    }
    await makeVaultPrivate(dir);
    return { vault, recoveryKey: recovery.display };
  }

  /**
   * Opens a copy older than this machine's mark for it (see Vault.open) that the owner, in the app,
   * says was restored on purpose: the password is proven first; only then is the choice recorded
   * in the audit log and the mark moved to this copy. A wrong password leaves everything as it was.
   */
  static async openOlderCopy(
    dir: string,
    password: string,
    found: 'older' | 'rewritten',
    deps: VaultDeps,
    remote?: RemoteSignIn,
  ): Promise<Vault> {
    const vault = await Vault.open(dir, deps, { checkMark: false });
    vault.movesMark = false;
    try {
      vault.key.set((await vault.passwords.check(password, remote)).key);
    } catch (error) {
      await vault.close();
      throw error;
    }
    vault.whereWritable(() => {
      vault.guard.reset();
      vault.audit.append({ action: 'vault.unlocked', detail: { method: 'password', ui: true } });
      vault.audit.append({ action: 'vault.older_accepted', detail: { found, endSeq: sealedEnd(vault.db)?.seq ?? 0 } });
    });
    vault.movesMark = true;
    await vault.recordMark();
    return vault;
  }

  static async open(dir: string, deps: VaultDeps, options: { checkMark?: boolean } = {}): Promise<Vault> {
    if (!Vault.exists(dir)) throw new VaultNotFoundError(dir);
    const db = await openDatabase(databasePath(dir), { readWhenFull: deps.readWhenFull });
    const ctx = await identityOf(db);
    try {
      if (options.checkMark !== false)
        await checkHighWaterMark(db, { vaultId: ctx.vaultId, dir }, deps.marks, Boolean(deps.acceptOlderVault));
    } catch (error) {
      await db.close();
      throw error;
    }
    // File times are the system's, not the (possibly test-controlled) clock's. Best effort: a
    // read-only vault still opens.
    await removeStaleTempBlobs(dir, Date.now()).catch(() => undefined);
    return new Vault(dir, db, ctx, deps);
  }

  /**
   * A read-only view of the vault in `dir`, unlocked with its key (a standby's followed copy):
   * the database is read into memory (openDatabaseCopy), so the files are never written, locked or
   * checked against this machine's marks; every write throws. Attachments are read from `dir`.
   */
  static async openReadOnlyCopy(dir: string, vaultKey: Uint8Array, deps: Pick<VaultDeps, 'clock'>): Promise<Vault> {
    if (!Vault.exists(dir)) throw new VaultNotFoundError(dir);
    const db = await openDatabaseCopy(databasePath(dir));
    const vault = new Vault(dir, db, await identityOf(db), { clock: deps.clock });
    try {
      vault.unlockWithVaultKey(vaultKey);
    } catch (error) {
      await vault.close();
      throw error;
    }
    return vault;
  }

  get isUnlocked(): boolean {
    return this.key.isSet;
  }

  /** The key that seals and opens content. Throws while locked. */
  get contentKey(): ContentKey {
    return this.key.contentKey;
  }

  async unlock(password: string, remote?: RemoteSignIn): Promise<void> {
    const { key, secondFactor } = await this.passwords.check(password, remote);
    this.key.set(key);
    this.whereWritable(() => {
      this.guard.reset();
      this.audit.append({ action: 'vault.unlocked', detail: { method: 'password', ...secondFactor } });
    });
    await this.recordMark();
  }

  /** Records an unlock (or a failed one) where the disk allows it (see whereWritable). */
  private whereWritable(record: () => void): void {
    whereWritable(this.db, record);
  }

  /** Moves this machine's high-water mark to the vault's sealed end (after unlocks and at close). */
  async recordMark(): Promise<void> {
    const end = sealedEnd(this.db);
    if (!this.deps.marks || !end || !this.movesMark) return;
    await moveMark(this.deps.marks, this.ctx.vaultId, this.dir, end).catch((error: unknown) => {
      // A key directory that cannot be written only leaves the mark behind; it must not lock the owner out.
      if (!isStorageUnavailable(error)) throw error;
    });
  }

  /**
   * Proves the password while the key is already in memory (unlocked for the scheduler by the
   * device key): same guard and audit as an unlock, nothing re-wrapped.
   */
  async verifyPassword(password: string, remote?: RemoteSignIn): Promise<void> {
    const { key, secondFactor } = await this.passwords.check(password, remote);
    key.fill(0);
    this.whereWritable(() => {
      this.guard.reset();
      this.audit.append({ action: 'vault.unlocked', detail: { method: 'password', ui: true, ...secondFactor } });
    });
  }

  /**
   * Opens the vault with the recovery key alone (emergency stop); the password is unchanged.
   * `ownerSignedIn`: the owner proved the password already (the app's emergency stop): wrong
   * keys guessed by strangers must not keep them from stopping a false trigger, so the recovery
   * backoff does not apply.
   */
  async unlockWithRecoveryKey(recoveryKeyText: string, options: { ownerSignedIn?: boolean } = {}): Promise<void> {
    this.key.set(this.recoveryKeys.check(recoveryKeyText, !options.ownerSignedIn));
    this.db.q.transaction(() => this.audit.append({ action: 'vault.unlocked', detail: { method: 'recovery' } }));
  }

  /** Begins a CLI session (`afterword unlock`) of the unlocked vault: its record, sealed under `sessionKey`. */
  beginSession(sessionKey: Uint8Array, times: SessionTimes, lengthMs: number): SessionRecord {
    return this.sessions.begin(sessionKey, times, lengthMs);
  }

  /** Unlocks with a CLI session's record and key, without the KDF (see SessionUnlock.open). */
  unlockWithSession(record: SessionRecord, sessionKey: Uint8Array, times: SessionTimes): Promise<void> {
    return this.sessions.open(record, sessionKey, times);
  }

  /**
   * Opens the vault with the vault key itself, held by a caller that got it elsewhere (a standby
   * paired with the owner's computer). Only this vault's key is taken: it must open the audit
   * log's seal. The caller's bytes are copied (locking zeroes the vault's own copy).
   */
  unlockWithVaultKey(vaultKey: Uint8Array): void {
    this.key.set(new Uint8Array(vaultKey));
    if (this.audit.keyOpensSeal()) return;
    this.key.clear();
    throw new VaultKeyWrongError(this.vaultId);
  }

  /** Opens the vault with the recovery key and sets a new password. The content is untouched. */
  async recover(recoveryKeyText: string, newPassword: string): Promise<void> {
    assertNewPassword(newPassword);
    const key = this.recoveryKeys.check(recoveryKeyText);
    const passwordWrap = await wrapWithPassword(key, newPassword, this.passwords.newPasswordCost(), this.ctx);
    this.key.set(key);
    this.db.q.transaction(() => {
      this.wraps.put(passwordWrap);
      this.guard.reset();
      this.audit.append({ action: 'vault.recovered', detail: { method: 'recovery' } });
    });
  }

  /**
   * Re-wraps the vault key under a new password; no content is re-encrypted. Like `recover`, always
   * at the real KDF floor: the tests' weaker floor makes new vaults only, never weakens a real one.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    assertNewPassword(newPassword);
    const { key } = await this.passwords.check(currentPassword);
    const passwordWrap = await wrapWithPassword(key, newPassword, this.passwords.newPasswordCost(), this.ctx);
    this.key.set(key);
    this.db.q.transaction(() => {
      this.wraps.put(passwordWrap);
      this.guard.reset();
      this.audit.append({ action: 'vault.password_changed' });
    });
  }

  /** A new recovery key replaces the old one, which stops working. Needs the unlocked vault. */
  regenerateRecoveryKey(): string {
    const recovery = generateRecoveryKey();
    const wrap = wrapWithRecoveryKey(this.contentKey.key, recovery.entropy, this.ctx);
    this.db.q.transaction(() => {
      this.wraps.put(wrap);
      this.audit.append({ action: 'vault.recovery_key_regenerated' });
    });
    return recovery.display;
  }

  /** Lets the scheduler open the vault without the password (unattended delivery). */
  enableDeviceKey(store: KeyStore): Promise<void> {
    return this.device.enable(store);
  }

  disableDeviceKey(store: KeyStore): Promise<void> {
    return this.device.disable(store);
  }

  deviceKeyStatus(): { enabled: boolean; backend: string | null } {
    return this.device.status();
  }

  unlockWithDeviceKey(store: KeyStore): Promise<void> {
    return this.device.unlock(store);
  }

  lock(): void {
    this.key.clear();
  }

  async close(): Promise<void> {
    this.lock();
    if (this.db.sqlite.open) await this.recordMark().catch(() => undefined);
    await this.db.close();
  }
}
