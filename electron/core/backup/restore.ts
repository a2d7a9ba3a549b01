import { BACKUP_SETTINGS } from './backup-health.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { MAX_PAUSE_MS } from '../../../shared/durations.js';
import type Database from 'better-sqlite3';
import { sqliteConnection } from '../db/sqlite-addon.js';
import type { ObjectStore } from '../ports/object-store.js';
import { createEngine } from '../engine.js';
import { BadRequestError } from '../errors.js';
import { createVaultServices } from '../services.js';
import { MemoryKeyStore } from '../vault/memory-key-store.js';
import { readMark, writeMark } from '../vault/rollback-mark.js';
import { Vault, type VaultDeps } from '../vault/vault.js';
import { VaultExistsError } from '../vault/vault-errors.js';
import { blobsPath, databasePath } from '../vault/vault-paths.js';
import type { BackupKeys } from './backup-keys.js';
import type { BucketKeys } from './bucket-layout.js';
import { openBucket, readChainMark, wrapRow, writeChainMark, type BucketSecret } from './bucket-access.js';
import { pullFile } from './shard-transfer.js';
import { assertDatabaseIntact, blobPathIn, pullCheckedBlobs } from './snapshot-checks.js';
import { pickSnapshot, readChain, type Snapshot } from './snapshot-chain.js';

export { chainLocation, readChainMark, writeChainMark } from './bucket-access.js';

export interface RestoreOptions {
  store: ObjectStore;
  vaultDir: string;
  /**
   * One of three: the vault's password, its recovery key, or the vault key itself (a caller that
   * holds it already, such as a paired standby; checked against the bucket and the vault).
   */
  password?: string;
  recoveryKey?: string;
  vaultKey?: Uint8Array;
  /** A snapshot id or seq; the newest when omitted. */
  snapshot?: string;
  /** Plans start running at once instead of coming back paused. */
  resumePlans?: boolean;
  /** Clock, KDF cost and this machine's marks (vault high-water marks and the backup chain marks). */
  deps: VaultDeps;
}

export interface RestoreSummary {
  vaultDir: string;
  snapshotId: string;
  seq: number;
  createdAt: number;
  messages: number;
  attachments: number;
  plansPaused: number;
  /** Plans that had fired in the snapshot: they stay `triggered`, their deliveries held. */
  plansTriggered: number;
  /** Unsent deliveries held back until `afterword resume` (0 with `resumePlans`). */
  heldDeliveries: number;
  /** Unsent warnings and notices held back until `afterword resume` (0 with `resumePlans`). */
  heldOther: number;
}

/** Staging folders a killed restore left beside the target (`DIR.restoring-<12 hex>`): never a vault in place. */
async function removeKilledStagings(vaultDir: string): Promise<void> {
  const target = vaultDir.replace(/[\\/]+$/, '');
  const parent = dirname(target);
  const prefix = `${basename(target)}.restoring-`;
  const names = existsSync(parent) ? readdirSync(parent) : [];
  const killed = names.filter((name) => name.startsWith(prefix) && /^[0-9a-f]{12}$/.test(name.slice(prefix.length)));
  for (const name of killed) await rm(join(parent, name), { recursive: true, force: true });
}

function refuseExisting(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new BadRequestError(`${dir} is a file: choose a new folder with --vault`);
  if (Vault.exists(dir) || (existsSync(dir) && readdirSync(dir).length > 0)) throw new VaultExistsError(dir);
}

/** What the options give to open the bucket with (the password when nothing else is given). */
function secretOf(options: RestoreOptions): BucketSecret {
  if (options.vaultKey !== undefined) return { vaultKey: options.vaultKey };
  if (options.recoveryKey !== undefined) return { recoveryKey: options.recoveryKey };
  return { password: options.password ?? '' };
}

/**
 * The password and recovery key that open the copy are today's (the bucket's `keys`), not those of
 * the snapshot's time: an older snapshot restored after a password change opens with the new one.
 * The old computer's device key wrap is dropped: its key store is not here.
 */
function takeCurrentWraps(db: Database.Database, bucketKeys: BucketKeys): void {
  const put = db.prepare('UPDATE key_wraps SET kdf = ?, params = ?, verifier = ?, wrapped_key = ? WHERE kind = ?');
  db.transaction(() => {
    for (const kind of ['password', 'recovery'] as const) {
      const row = wrapRow(bucketKeys, kind);
      put.run(row.kdf, row.params, row.verifier, row.wrapped_key, kind);
    }
    db.prepare("DELETE FROM key_wraps WHERE kind = 'device'").run();
    // Whoever restores has just proved the password (or recovery key): the snapshot's count of
    // failed attempts must not lock them out of the copy.
    db.prepare('UPDATE unlock_guard SET failures = 0, last_failure_at = NULL').run();
    db.prepare('UPDATE recovery_guard SET failures = 0, last_failure_at = NULL').run();
  })();
}

/** Writes the snapshot's files into `staging` and checks them all; throws naming what is wrong. */
async function writeAndCheck(
  store: ObjectStore,
  keys: BackupKeys,
  snapshot: Snapshot,
  staging: string,
  bucketKeys: BucketKeys,
  contentKey: { id: Uint8Array; key: Uint8Array },
): Promise<void> {
  const { manifest } = snapshot;
  await mkdir(blobsPath(staging), { recursive: true, mode: 0o700 });
  await pullFile(store, keys, manifest.database, databasePath(staging), 'the database');
  const db = sqliteConnection(databasePath(staging));
  try {
    assertDatabaseIntact(db, 'the restored database');
    takeCurrentWraps(db, bucketKeys);
  } finally {
    db.close();
  }
  await pullCheckedBlobs(store, keys, manifest.blobs, contentKey, blobPathIn(blobsPath(staging)));
}

/**
 * Restores a vault from its backups on a machine that has nothing but the bucket and the password
 * (or the recovery key, or the vault key a paired standby holds): everything is written into a
 * staging folder beside the target and checked (SQLite's integrity check, every attachment
 * decrypted), then moved into place, so a failure never leaves a half-restored vault. An existing vault is never overwritten. Plans come back paused
 * (recorded in the audit log) unless `resumePlans`: a restored copy must not start warning anyone
 * before the owner says so.
 */
export async function restoreVault(options: RestoreOptions): Promise<RestoreSummary> {
  const { store, vaultDir, deps } = options;
  const parent = dirname(resolve(vaultDir));
  if (existsSync(parent) && !statSync(parent).isDirectory()) {
    throw new BadRequestError(`${parent} is a file, not a folder: choose a --vault path inside a folder`);
  }
  refuseExisting(vaultDir);
  const { config, bucketKeys, keys, contentKey, location } = await openBucket(store, secretOf(options));
  const chain = await readChain(store, keys, config.vaultId, await readChainMark(deps.marks, location));
  const snapshot = pickSnapshot(chain, options.snapshot);

  await removeKilledStagings(vaultDir);
  const staging = `${vaultDir.replace(/[\\/]+$/, '')}.restoring-${randomBytes(6).toString('hex')}`;
  let settled: Settled;
  try {
    await writeAndCheck(store, keys, snapshot, staging, bucketKeys, contentKey);
    // Everything that makes the copy safe happens in staging: a copy in place is always settled.
    // The copy's mark is kept aside and written for its final folder only: the staging folder is
    // gone once moved, and the original vault on this machine keeps its own mark.
    const copyMarks = new MemoryKeyStore();
    settled = await settleRestoredVault(staging, { ...options, deps: { ...deps, marks: copyMarks } }, snapshot);
    const copyEnd = await readMark(copyMarks, config.vaultId, staging);
    refuseExisting(vaultDir);
    if (existsSync(vaultDir)) await rmdir(vaultDir);
    await rename(staging, vaultDir);
    if (deps.marks && copyEnd) await writeMark(deps.marks, config.vaultId, vaultDir, copyEnd);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const newest = chain.at(-1)!;
  // Only protects later restores from an older bucket: losing it leaves the copy as safe as it is.
  await writeChainMark(deps.marks, location, { seq: newest.seq, hash: newest.hash }).catch(() => undefined);
  return {
    vaultDir,
    snapshotId: snapshot.id,
    seq: snapshot.seq,
    createdAt: snapshot.manifest.createdAt,
    messages: snapshot.manifest.stats.messages,
    attachments: snapshot.manifest.stats.attachments,
    ...settled,
  };
}

interface Settled {
  plansPaused: number;
  plansTriggered: number;
  heldDeliveries: number;
  heldOther: number;
}

/**
 * Opens the restored copy (still in staging), and makes it safe before it is moved into place: every
 * plan paused, every unsent warning, notice and delivery held (a plan that had fired stays
 * `triggered` with its deliveries held), the restore recorded in the audit log. With `resumePlans`
 * the owner said so up front: the plans then start over from now (the snapshot's last check-in is
 * not theirs to count from) and held rows go, exactly as `afterword resume` does.
 */
async function settleRestoredVault(dir: string, options: RestoreOptions, snapshot: Snapshot): Promise<Settled> {
  // This machine may have opened a newer copy of the same vault: a restore is deliberate.
  const vault = await Vault.open(dir, { ...options.deps, acceptOlderVault: true });
  try {
    if (options.vaultKey !== undefined) vault.unlockWithVaultKey(options.vaultKey);
    else if (options.recoveryKey !== undefined)
      await vault.unlockWithRecoveryKey(options.recoveryKey, { ownerSignedIn: true });
    else await vault.unlock(options.password ?? '');
    const { clock } = options.deps;
    const services = createVaultServices(vault, clock);
    const engine = createEngine(services, { clock });
    try {
      const { db } = vault;
      return db.q.transaction(() => {
        const plansTriggered = db.q.all(
          db.kysely.selectFrom('plan_state').select('plan_id').where('state', '=', 'triggered'),
        ).length;
        const paused = engine.scheduler.pauseUntil(clock.now() + MAX_PAUSE_MS);
        const held = engine.outbox.holdUnsent();
        if (options.resumePlans) engine.scheduler.resume();
        else services.settings.set(BACKUP_SETTINGS.restoredCopy, { at: clock.now(), seq: snapshot.seq });
        vault.audit.append({
          action: 'backup.restored',
          detail: {
            seq: snapshot.seq,
            snapshot: snapshot.id,
            plansPaused: options.resumePlans ? 0 : paused.length,
            plansTriggered,
            heldDeliveries: held.deliveries,
            heldOther: held.other,
            resumePlans: Boolean(options.resumePlans),
          },
        });
        return options.resumePlans
          ? { plansPaused: 0, plansTriggered, heldDeliveries: 0, heldOther: 0 }
          : { plansPaused: paused.length, plansTriggered, heldDeliveries: held.deliveries, heldOther: held.other };
      });
    } finally {
      await engine.close();
    }
  } finally {
    await vault.close();
  }
}
