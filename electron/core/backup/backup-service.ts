import { randomBytes } from 'node:crypto';
import type { BucketTarget, ObjectStore, ObjectStoreFactory } from '../ports/object-store.js';
import type { VaultServices } from '../services.js';
import { BadRequestError, ConflictError } from '../errors.js';
import { BackupNotConfiguredError, ObjectStoreError } from './backup-errors.js';
import { deriveBackupKeys, type BackupKeys } from './backup-keys.js';
import { pickSnapshot, readChain, type ChainMark, type Snapshot } from './snapshot-chain.js';
import { pruneSnapshots, verifySnapshot, type PruneReport, type VerifyReport } from './snapshot-maintenance.js';
import { pushSnapshot, type PushSummary } from './snapshot-writer.js';
import { withPushLock } from './push-lock.js';
import { identityProblems } from './bucket-identity.js';
import type { PushProgress } from './shard-transfer.js';
import { auditHead, BACKUP_SETTINGS } from './backup-health.js';
import { clearBackupFailure } from './backup-failures.js';
import type { LastBackup } from './backup-schedule.js';

const { target: TARGET_SETTING, head: HEAD_SETTING, last: LAST_SETTING } = BACKUP_SETTINGS;

const locationOf = (target: BucketTarget): string => `${target.endpoint}|${target.bucket}|${target.prefix}`;

export type TargetView = Omit<BucketTarget, 'secretAccessKey' | 'ca'> & { kind: 's3'; customCa: boolean };

export interface TestReport {
  ok: boolean;
  where: string;
  failedStep: 'list' | 'put' | 'get' | 'delete' | null;
  message: string | null;
}

export interface SnapshotView {
  id: string;
  seq: number;
  time: number;
  size: number;
  messages: number;
  attachments: number;
}

/** A vault's backups: the target (stored encrypted), pushes, the snapshot list, checks and pruning. */
export class BackupService {
  constructor(
    private readonly services: VaultServices,
    private readonly stores: ObjectStoreFactory,
  ) {}

  target(): TargetView | null {
    const target = this.services.settings.get<BucketTarget>(TARGET_SETTING);
    if (!target) return null;
    const { secretAccessKey: _secret, ca, ...view } = target;
    return { kind: 's3', ...view, customCa: Boolean(ca) };
  }

  /**
   * Without a secret access key the stored one stays (the owner edits the rest without typing it
   * again), but only for the same access key on the same endpoint: it is never sent to a new server.
   */
  setTarget(
    input: Omit<BucketTarget, 'secretAccessKey' | 'ca'> & {
      secretAccessKey?: string | undefined;
      /** Omitted: keep the stored CA certificate; null: none. */
      ca?: string | null | undefined;
    },
  ): TargetView {
    const stored = this.services.settings.get<BucketTarget>(TARGET_SETTING);
    const sameAccount = stored?.endpoint === input.endpoint && stored.accessKeyId === input.accessKeyId;
    const secretAccessKey = input.secretAccessKey ?? (sameAccount ? stored.secretAccessKey : undefined);
    if (secretAccessKey === undefined) {
      throw new BadRequestError(
        stored
          ? 'give the secret access key again: the stored one is kept only for the same access key on the same endpoint'
          : 'the secret access key is empty: give it together with the access key id',
      );
    }
    // A kept CA certificate stays with its endpoint: it is never trusted for another server.
    const ca = input.ca === undefined ? (stored?.endpoint === input.endpoint ? (stored.ca ?? null) : null) : input.ca;
    if (ca && !input.endpoint.startsWith('https:')) {
      throw new BadRequestError(
        'a CA certificate is only for an https:// endpoint: give https://, or leave out the CA file',
      );
    }
    const target: BucketTarget = { ...input, secretAccessKey, ca };
    this.services.vault.db.q.transaction(() => {
      this.services.settings.set(TARGET_SETTING, target);
      // A new target starts afresh: the old one's failures say nothing about it.
      clearBackupFailure(this.services);
    });
    return this.target()!;
  }

  removeTarget(): void {
    const { db } = this.services.vault;
    db.q.transaction(() => {
      // Its failures go with it: without a target there is nothing to retry.
      db.q.run(db.kysely.deleteFrom('settings').where('key', 'in', [TARGET_SETTING, BACKUP_SETTINGS.failure]));
      this.services.vault.audit.append({
        action: 'settings.changed',
        entityType: 'setting',
        entityId: TARGET_SETTING,
        detail: { removed: true },
      });
    });
  }

  private async withStore<T>(fn: (store: ObjectStore, target: BucketTarget) => Promise<T>): Promise<T> {
    const target = this.services.settings.get<BucketTarget>(TARGET_SETTING);
    if (!target) throw new BackupNotConfiguredError();
    const store = this.stores(target);
    try {
      return await fn(store, target);
    } finally {
      store.close?.();
    }
  }

  private keys(): BackupKeys {
    const { vault } = this.services;
    return deriveBackupKeys(vault.contentKey.key, vault.vaultId);
  }

  /** The mark holds for the bucket it was made in: a new target starts a chain of its own. */
  private mark(target: BucketTarget): ChainMark | null {
    const mark = this.services.settings.get<ChainMark & { where?: string }>(HEAD_SETTING);
    return mark && mark.where === locationOf(target) ? { seq: mark.seq, hash: mark.hash } : null;
  }

  /** List, put, get and delete a probe object: the answer of the step that failed, if one did. */
  async test(): Promise<TestReport> {
    return this.withStore(async (store) => {
      const probe = `probe-${randomBytes(8).toString('hex')}`;
      const payload = randomBytes(32);
      let step: TestReport['failedStep'] = 'list';
      try {
        for await (const item of store.list('manifests/')) void item;
        step = 'put';
        await store.put(probe, payload);
        step = 'get';
        const back = await store.get(probe);
        if (!back || Buffer.compare(Buffer.from(back), payload) !== 0) {
          return {
            ok: false,
            where: store.where,
            failedStep: step,
            message: 'the probe object came back different from what was stored',
          };
        }
        step = 'delete';
        await store.delete(probe);
        return { ok: true, where: store.where, failedStep: null, message: null };
      } catch (error) {
        if (!(error instanceof ObjectStoreError)) throw error;
        return { ok: false, where: store.where, failedStep: step, message: error.message };
      }
    });
  }

  async now(onProgress?: (progress: PushProgress) => void, signal?: AbortSignal): Promise<PushSummary> {
    const { vault, clock, settings } = this.services;
    if (settings.get(BACKUP_SETTINGS.restoredCopy) !== undefined) {
      throw new ConflictError(
        'this vault is a restored copy that was not resumed: its snapshots would be mixed with those the original still pushes to this bucket. Run `afterword resume` once the original no longer runs, then back up',
      );
    }
    return this.withStore(async (store, target) =>
      withPushLock(vault.dir, async () => {
        // Read before the copy is taken: a change made meanwhile counts as one for the next push.
        const auditSeq = auditHead(vault.db);
        const copiedAt = clock.now();
        const summary = await pushSnapshot(vault, store, { clock, mark: this.mark(target), onProgress, signal });
        const last: LastBackup = {
          at: clock.now(),
          seq: summary.seq,
          snapshotId: summary.snapshotId,
          auditSeq,
          copiedAt,
        };
        // Still under the lock: a push by another process after this one must find its head here.
        vault.db.q.transaction(() => {
          settings.set(HEAD_SETTING, { seq: summary.seq, hash: summary.hash, where: locationOf(target) });
          settings.set(LAST_SETTING, last);
          clearBackupFailure(this.services);
        });
        return summary;
      }),
    );
  }

  private chain(store: ObjectStore, target: BucketTarget): Promise<Snapshot[]> {
    return readChain(store, this.keys(), this.services.vault.vaultId, this.mark(target));
  }

  async list(): Promise<SnapshotView[]> {
    return this.withStore(async (store, target) =>
      (await this.chain(store, target)).map(({ id, seq, manifest }) => ({
        id,
        seq,
        time: manifest.createdAt,
        size: manifest.stats.bytes,
        messages: manifest.stats.messages,
        attachments: manifest.stats.attachments,
      })),
    );
  }

  async verify(ref?: string): Promise<VerifyReport> {
    return this.withStore(async (store, target) => {
      const keys = this.keys();
      const chain = await this.chain(store, target);
      const snapshot = pickSnapshot(chain, ref);
      const report = await verifySnapshot(store, keys, snapshot, { prunable: snapshot !== chain.at(-1) });
      const problems = [...(await identityProblems(store, keys)), ...report.problems];
      return { ...report, ok: problems.length === 0, problems, checkedObjects: report.checkedObjects + 2 };
    });
  }

  async prune(keep: number): Promise<PruneReport> {
    // Under the push lock: a push running meanwhile would reuse shards this prune counts unused.
    return this.withStore(async (store, target) =>
      withPushLock(this.services.vault.dir, async () => pruneSnapshots(store, await this.chain(store, target), keep)),
    );
  }
}
