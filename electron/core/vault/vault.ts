import { existsSync } from 'node:fs';
import { APP_VERSION } from '../app-version.js';
import { mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import { randomBytes } from '../crypto/aead.js';
import type { ContentKey } from '../crypto/envelope.js';
import { DEFAULT_SCRYPT, hkdfSha256, type ScryptParams } from '../crypto/kdf.js';
import { generateRecoveryKey, parseRecoveryKey } from '../crypto/recovery-key.js';
import { openDatabase, type VaultDb } from '../db/open-database.js';
import { AuditLog } from '../audit/audit-log.js';
import { IntegrityError } from '../errors.js';
import { isStorageUnavailable } from '../storage-errors.js';
import { FREE_ATTEMPTS, UnlockGuard } from './unlock-guard.js';
import {
  unwrapWithPassword,
  unwrapWithRecoveryKey,
  wrapWithPassword,
  wrapWithRecoveryKey,
  type WrapContext,
} from './key-wraps.js';
import { KeyWrapStore } from './key-wrap-store.js';
import { DeviceUnlock } from './device-unlock.js';
import { SecondFactorCheck, type SecondFactorUsed } from './second-factor-check.js';
import { whereWritable } from './where-writable.js';
import { makeVaultPrivate, removeStaleTempBlobs } from './vault-files.js';
import { checkHighWaterMark, sealedEnd, writeMark } from './rollback-mark.js';
import { blobsPath, databasePath } from './vault-paths.js';
import {
  RecoveryKeyWrongError,
  VaultExistsError,
  VaultLockedError,
  VaultNotFoundError,
  WrongPasswordError,
} from './vault-errors.js';
import { passwordSchema, describeIssue } from '../../../shared/validation.js';
import { BadRequestError } from '../errors.js';
import type { SecondFactor } from './second-factor.js';

/**
 * A sign-in from the network (the runner): with two-step sign-in on, the password must come with
 * a code. Local unlocks (the desktop app, the CLI) pass none and need the password only.
 */
export interface RemoteSignIn {
  code: string | undefined;
}

export { APP_VERSION };

/** The vault key a password unwrapped, and the second factor that came with it (remote sign-ins). */
interface PasswordProof {
  key: Uint8Array;
  secondFactor: SecondFactorUsed;
}

export interface VaultDeps {
  clock: Clock;
  /** KDF cost for new password wraps; DEFAULT_SCRYPT unless a test or a slow device lowers it. */
  scrypt?: ScryptParams;
  /**
   * Where this machine keeps each vault's high-water mark (outside the vault, next to the device
   * keys). Without it, a vault put back to an older copy cannot be noticed.
   */
  marks?: KeyStore;
  /** The owner restored an older copy on purpose: open it and move the mark back to it. */
  acceptOlderVault?: boolean;
  /** A short-lived command: on a full disk, open for reading anyway (see openDatabase). */
  readWhenFull?: boolean;
}

function assertNewPassword(password: string): void {
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
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
  private key: ContentKey | null = null;
  private zeroKey: (() => void) | null = null;
  private passwordAttempts: Promise<unknown> = Promise.resolve();
  /** False while an older copy waits for the owner's password (openOlderCopy): the mark must not move yet. */
  private movesMark = true;
  private readonly wraps: KeyWrapStore;
  private readonly device: DeviceUnlock;
  private readonly twoStep: SecondFactorCheck;

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
    this.device = new DeviceUnlock({
      db,
      audit: this.audit,
      wraps: this.wraps,
      ctx,
      vaultKey: () => this.contentKey.key,
      unlock: async (key) => {
        this.setKey(key);
        this.whereWritable(() => this.audit.append({ action: 'vault.unlocked', detail: { method: 'device' } }));
        await this.recordMark();
      },
    });
    this.twoStep = new SecondFactorCheck({
      db,
      audit: this.audit,
      guard: this.guard,
      clock: deps.clock,
      keyId: ctx.keyId,
      contentKey: () => this.contentKey,
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
    const passwordWrap = await wrapWithPassword(vaultKey, password, deps.scrypt ?? DEFAULT_SCRYPT, ctx);
    const recoveryWrap = wrapWithRecoveryKey(vaultKey, recovery.entropy, ctx);

    const db = await openDatabase(databasePath(dir));
    const vault = new Vault(dir, db, ctx, deps);
    vault.setKey(vaultKey);
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
      vault.setKey((await vault.checkPassword(password, remote)).key);
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
    const info = db.q.get(db.kysely.selectFrom('vault_info').selectAll().where('id', '=', 1));
    if (!info) {
      await db.close();
      throw new IntegrityError('the vault has no identity record: it is damaged or was never finished');
    }
    try {
      if (options.checkMark !== false)
        await checkHighWaterMark(db, info.vault_id, deps.marks, Boolean(deps.acceptOlderVault));
    } catch (error) {
      await db.close();
      throw error;
    }
    // File times are the system's, not the (possibly test-controlled) clock's. Best effort: a
    // read-only vault still opens.
    await removeStaleTempBlobs(dir, Date.now()).catch(() => undefined);
    return new Vault(dir, db, { vaultId: info.vault_id, keyId: new Uint8Array(info.key_id) }, deps);
  }

  get isUnlocked(): boolean {
    return this.key !== null;
  }

  /** The key that seals and opens content. Throws while locked. */
  get contentKey(): ContentKey {
    if (!this.key) throw new VaultLockedError();
    return this.key;
  }

  async unlock(password: string, remote?: RemoteSignIn): Promise<void> {
    const { key, secondFactor } = await this.checkPassword(password, remote);
    this.setKey(key);
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
    await writeMark(this.deps.marks, this.ctx.vaultId, end).catch((error: unknown) => {
      // A key directory that cannot be written only leaves the mark behind; it must not lock the owner out.
      if (!isStorageUnavailable(error)) throw error;
    });
  }

  /**
   * Unwraps with the password, counting failures; returns the vault key. Attempts run one at a
   * time: concurrent ones would all pass the guard before any failure is counted.
   */
  private checkPassword(password: string, remote?: RemoteSignIn): Promise<PasswordProof> {
    const attempt = this.passwordAttempts.then(() => this.tryPassword(password, remote));
    this.passwordAttempts = attempt.catch(() => undefined);
    return attempt;
  }

  /**
   * Attempts within this process are serialized (see checkPassword), so the runner's login and
   * the app count every guess. Attempts are counted after scrypt: counting them up front would
   * lock out correct, concurrent unlocks (a cron tick beside the app) and killed ones. Parallel
   * processes on the same machine could overlap here, but whoever can start them can also copy
   * the vault file and guess offline, which only scrypt slows down.
   */
  private async tryPassword(password: string, remote?: RemoteSignIn): Promise<PasswordProof> {
    const refused = this.db.q.transaction(() => this.guard.check());
    if (refused) throw refused;
    const key = await unwrapWithPassword(this.wraps.get('password'), password, this.ctx);
    if (!key) {
      this.whereWritable(() => {
        const failures = this.guard.recordFailure();
        this.audit.append({ action: 'vault.unlock_failed', detail: { method: 'password', failures } });
      });
      throw new WrongPasswordError();
    }
    if (!remote) return { key, secondFactor: {} };
    return { key, secondFactor: this.twoStep.forSignIn(key, remote.code) };
  }

  /**
   * Proves a second-factor code while unlocked (to turn it off), behind the password's backoff;
   * the code is used up.
   */
  verifySecondFactorCode(code: string): void {
    this.twoStep.verify(code);
  }

  /** Two-step sign-in for the runner; the unlocked vault's key unless one is given. */
  secondFactor(key?: ContentKey): SecondFactor {
    return this.twoStep.store(key);
  }

  /**
   * Proves the password while the key is already in memory (unlocked for the scheduler by the
   * device key): same guard and audit as an unlock, nothing re-wrapped.
   */
  async verifyPassword(password: string, remote?: RemoteSignIn): Promise<void> {
    const { key, secondFactor } = await this.checkPassword(password, remote);
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
    this.setKey(this.checkRecoveryKey(recoveryKeyText, !options.ownerSignedIn));
    this.db.q.transaction(() => this.audit.append({ action: 'vault.unlocked', detail: { method: 'recovery' } }));
  }

  /**
   * Unwraps with the recovery key behind its own backoff (five free attempts, then 30 s doubling
   * up to an hour). Failures are counted in the guard; the audit log gets the first few and then
   * every tenth, with the count, so that guessing cannot grow the file without limit.
   */
  private checkRecoveryKey(recoveryKeyText: string, guarded = true): Uint8Array {
    const refused = guarded ? this.db.q.transaction(() => this.recoveryGuard.check()) : null;
    if (refused) throw refused;
    const entropy = parseRecoveryKey(recoveryKeyText);
    const key = unwrapWithRecoveryKey(this.wraps.get('recovery'), entropy, this.ctx);
    if (!key) {
      if (!guarded) {
        this.whereWritable(() =>
          this.audit.append({ action: 'vault.unlock_failed', detail: { method: 'recovery', ownerSignedIn: true } }),
        );
        throw new RecoveryKeyWrongError();
      }
      this.whereWritable(() => {
        const failures = this.recoveryGuard.recordFailure();
        if (failures <= FREE_ATTEMPTS || failures % 10 === 0) {
          this.audit.append({ action: 'vault.unlock_failed', detail: { method: 'recovery', failures } });
        }
      });
      throw new RecoveryKeyWrongError();
    }
    this.whereWritable(() => this.recoveryGuard.reset());
    return key;
  }

  /** Opens the vault with the recovery key and sets a new password. The content is untouched. */
  async recover(recoveryKeyText: string, newPassword: string): Promise<void> {
    assertNewPassword(newPassword);
    const key = this.checkRecoveryKey(recoveryKeyText);
    const passwordWrap = await wrapWithPassword(key, newPassword, this.deps.scrypt ?? DEFAULT_SCRYPT, this.ctx);
    this.setKey(key);
    this.db.q.transaction(() => {
      this.wraps.put(passwordWrap);
      this.guard.reset();
      this.audit.append({ action: 'vault.recovered', detail: { method: 'recovery' } });
    });
  }

  /** Re-wraps the vault key under a new password; no content is re-encrypted. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    assertNewPassword(newPassword);
    const { key } = await this.checkPassword(currentPassword);
    const passwordWrap = await wrapWithPassword(key, newPassword, this.deps.scrypt ?? DEFAULT_SCRYPT, this.ctx);
    this.setKey(key);
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
    this.key = null;
    this.zeroKey?.();
    this.zeroKey = null;
    this.audit.setKey(null);
  }

  async close(): Promise<void> {
    this.lock();
    if (this.db.sqlite.open) await this.recordMark().catch(() => undefined);
    await this.db.close();
  }

  /**
   * Services built while unlocked keep this object; once the vault is locked its getter throws
   * VaultLockedError instead of handing out zeroed bytes (which would look like tampering).
   */
  private setKey(vaultKey: Uint8Array): void {
    if (this.key) {
      // Already unlocked (password change, recovery): the vault key never changes, so services
      // keep working with the object they hold; the fresh copy is not needed.
      vaultKey.fill(0);
      return;
    }
    let valid = true;
    this.key = {
      id: this.ctx.keyId,
      get key(): Uint8Array {
        if (!valid) throw new VaultLockedError();
        return vaultKey;
      },
    };
    this.zeroKey = () => {
      valid = false;
      vaultKey.fill(0);
    };
    this.audit.setKey(hkdfSha256(vaultKey, new TextEncoder().encode(this.ctx.vaultId), 'afterword/audit/v1'));
  }
}
