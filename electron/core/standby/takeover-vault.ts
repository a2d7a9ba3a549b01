import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import { MemoryKeyStore } from '../vault/memory-key-store.js';
import { readMark, writeMark } from '../vault/rollback-mark.js';
import { Vault } from '../vault/vault.js';
import { blobsPath, databasePath } from '../vault/vault-paths.js';
import { syncFolder } from './followed-files.js';

/** In the standby's folder: the followed copy (SnapshotFollower's), never run. */
export const FOLLOW_DIR = 'follow';
export const followDir = (dir: string): string => join(dir, FOLLOW_DIR);

/** The audit action a standby's copy starts with when it takes over (append-only: never renamed). */
export const STANDBY_TOOK_OVER_ACTION = 'standby.took_over';

export interface TakeoverFacts {
  /** The name the primary gave this standby, and the lease epoch it won. */
  runner: string;
  epoch: number | null;
  /** The followed snapshot the copy is made from. */
  seq: number | null;
}

export interface TakeoverDeps {
  vaultKey: Uint8Array;
  /** This machine's key store: the copy gets a device-key wrap of its own there (unattended unlock). */
  keyStore: KeyStore;
  /** This machine's high-water marks of vaults (the runnable copy's is written for `dir`). */
  marks?: KeyStore;
  clock: Clock;
}

const JOURNALS = ['-wal', '-shm', '-journal'];

async function copyFolder(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o700 });
  const names = existsSync(from) ? await readdir(from) : [];
  for (const name of names) await copyFile(join(from, name), join(to, name));
  await syncFolder(to);
}

/**
 * Makes the followed copy runnable in `dir` itself (`dir/vault.db`, `dir/blobs/`): copied into a
 * staging folder, prepared there, then moved in (blobs first, the database last, so a crash leaves
 * either no vault or a prepared one). The copy keeps every plan state, level, receipt and audit
 * row as the primary pushed them: nothing is paused or held (unlike a restore). What changes is
 * what belongs to the primary's machine: a device-key wrap for this machine replaces the
 * primary's, and the backup target is removed so this copy never pushes into the primary's chain
 * (a history the primary may come back to). The takeover is recorded in the audit log.
 */
export async function materializeTakeover(dir: string, facts: TakeoverFacts, deps: TakeoverDeps): Promise<void> {
  const staging = join(dir, `.takeover-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(staging, { mode: 0o700 });
    await copyFile(databasePath(followDir(dir)), databasePath(staging));
    await copyFolder(blobsPath(followDir(dir)), blobsPath(staging));
    const copyMarks = new MemoryKeyStore();
    const vault = await Vault.open(staging, { clock: deps.clock, marks: copyMarks });
    let vaultId: string;
    try {
      vault.unlockWithVaultKey(deps.vaultKey);
      vaultId = vault.vaultId;
      const { db } = vault;
      db.q.transaction(() => {
        db.q.run(db.kysely.deleteFrom('settings').where('key', '=', BACKUP_SETTINGS.target));
        vault.audit.append({
          action: STANDBY_TOOK_OVER_ACTION,
          entityType: 'standby',
          entityId: facts.runner,
          detail: { epoch: facts.epoch, seq: facts.seq, backupTargetRemoved: true },
        });
      });
      await vault.enableDeviceKey(deps.keyStore);
    } finally {
      await vault.close();
    }
    const end = await readMark(copyMarks, vaultId, staging);
    await Promise.all(JOURNALS.map((suffix) => rm(`${databasePath(staging)}${suffix}`, { force: true })));
    await syncFolder(staging);
    await rm(blobsPath(dir), { recursive: true, force: true });
    await rename(blobsPath(staging), blobsPath(dir));
    await rename(databasePath(staging), databasePath(dir));
    await syncFolder(dir);
    if (deps.marks && end) await writeMark(deps.marks, vaultId, dir, end);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The standby no longer holds the lease: its runnable copy (stopped already) is kept, moved to
 * `dir/taken-over-<time>/`, so that following can start again and nothing it recorded is lost.
 */
export async function moveTakenOverAside(dir: string, at: number): Promise<string> {
  const aside = join(dir, `taken-over-${new Date(at).toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(aside, { mode: 0o700 });
  // The database first: from then on `dir` holds no vault, whatever else a crash leaves behind.
  await rename(databasePath(dir), databasePath(aside));
  for (const suffix of JOURNALS) {
    const file = `${databasePath(dir)}${suffix}`;
    if (existsSync(file)) await rename(file, `${databasePath(aside)}${suffix}`);
  }
  if (existsSync(blobsPath(dir))) await rename(blobsPath(dir), blobsPath(aside));
  await syncFolder(dir);
  return aside;
}
