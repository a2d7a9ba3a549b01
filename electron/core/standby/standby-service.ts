import { parseStandbyCode, STANDBY_NAME_PATTERN } from '../../../shared/standby-code.js';
import type { BucketTarget, ObjectStore, ObjectStoreFactory } from '../ports/object-store.js';
import type { VaultServices } from '../services.js';
import { BackupNotConfiguredError, ObjectStoreError } from '../backup/backup-errors.js';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import { deriveBackupKeys, type BackupKeys } from '../backup/backup-keys.js';
import { claimBucket } from '../backup/bucket-identity.js';
import { encodePairingObject } from './pairing-objects.js';
import { readStandbyAlive } from './standby-alive.js';
import {
  STANDBY_FORMAT,
  STANDBY_ROSTER_KEY,
  standbyMemberKey,
  type RosterEntry,
  type StandbyMember,
  type StandbyRoster,
} from './standby-layout.js';
import {
  StandbyCodeInvalidError,
  StandbyNameInvalidError,
  StandbyNotFoundError,
  StandbyTakenError,
} from './pairing-errors.js';

/** The paired standbys, kept (encrypted) in the vault: the bucket's roster is a signed copy of it. */
export const STANDBY_MEMBERS_SETTING = 'standby.members';
/** Audit actions of pairing (append-only: never renamed). */
export const STANDBY_ADDED_ACTION = 'standby.added';
export const STANDBY_REMOVED_ACTION = 'standby.removed';

export interface StandbyView {
  name: string;
  fingerprint: string;
  addedAt: number;
  /** When the standby last wrote its sign of life (the server's time), null: never seen. */
  lastSeen: number | null;
}

export interface StandbyListing {
  standbys: StandbyView[];
  /** Why the signs of life could not be read (the server's answer), null when they were. */
  bucketError: string | null;
}

/**
 * The primary's side of pairing: a standby's vault-key wrap (an age file to its recipient) and the
 * roster of standbys, both signed with the backup signing key and kept under the backup target's
 * prefix; every change audited.
 */
export class StandbyService {
  constructor(
    private readonly services: VaultServices,
    private readonly stores: ObjectStoreFactory,
  ) {}

  private members(): RosterEntry[] {
    return this.services.settings.get<RosterEntry[]>(STANDBY_MEMBERS_SETTING) ?? [];
  }

  private async withStore<T>(fn: (store: ObjectStore, keys: BackupKeys) => Promise<T>): Promise<T> {
    const target = this.services.settings.get<BucketTarget>(BACKUP_SETTINGS.target);
    if (!target) throw new BackupNotConfiguredError();
    const { vault } = this.services;
    const store = this.stores(target);
    try {
      return await fn(store, deriveBackupKeys(vault.contentKey.key, vault.vaultId));
    } finally {
      store.close?.();
    }
  }

  private async publishRoster(store: ObjectStore, keys: BackupKeys, members: RosterEntry[]): Promise<void> {
    const roster: StandbyRoster = { format: STANDBY_FORMAT, vaultId: this.services.vault.vaultId, members };
    await store.put(STANDBY_ROSTER_KEY, encodePairingObject(keys, 'roster', roster));
  }

  private record(members: RosterEntry[], action: string, entry: RosterEntry): void {
    const { vault, settings } = this.services;
    vault.db.q.transaction(() => {
      settings.set(STANDBY_MEMBERS_SETTING, members);
      vault.audit.append({
        action,
        entityType: 'standby',
        entityId: entry.name,
        detail: { fingerprint: entry.fingerprint },
      });
    });
  }

  /** Wraps the vault key to the standby's code and publishes it; refused for a taken name or standby. */
  async add(name: string, code: string): Promise<StandbyView> {
    if (!STANDBY_NAME_PATTERN.test(name)) throw new StandbyNameInvalidError(name);
    const parsed = parseStandbyCode(code);
    if (!parsed) throw new StandbyCodeInvalidError();
    const members = this.members();
    const sameName = members.find((m) => m.name === name);
    if (sameName) throw new StandbyTakenError('name', name);
    const sameStandby = members.find((m) => m.recipient === parsed.recipient);
    if (sameStandby) throw new StandbyTakenError('code', sameStandby.name);
    const { vault, clock } = this.services;
    const entry: RosterEntry = { name, ...parsed, addedAt: clock.now() };
    const next = [...members, entry];
    await this.withStore(async (store, keys) => {
      // The standby checks its wrap against the bucket's config: it must be there, and be this vault's.
      await claimBucket(store, vault, keys);
      // Loaded here only: every scheduler pass and CLI command reaches this module, few pair a standby.
      const { armor, Encrypter } = await import('age-encryption');
      const encrypter = new Encrypter();
      encrypter.addRecipient(parsed.recipient);
      const wrap = armor.encode(await encrypter.encrypt(vault.contentKey.key));
      const member: StandbyMember = { format: STANDBY_FORMAT, vaultId: vault.vaultId, ...entry, wrap };
      await store.put(standbyMemberKey(name), encodePairingObject(keys, 'member', member));
      try {
        await this.publishRoster(store, keys, next);
      } catch (error) {
        // Not paired after all: its wrap does not stay behind (if the bucket lets it be deleted).
        await store.delete(standbyMemberKey(name)).catch(() => undefined);
        throw error;
      }
    });
    this.record(next, STANDBY_ADDED_ACTION, entry);
    return { name, fingerprint: entry.fingerprint, addedAt: entry.addedAt, lastSeen: null };
  }

  /**
   * Revokes a standby: the roster republished without it, its wrap deleted, then the vault's own
   * list. A standby that already unwrapped the vault key keeps it (see README, Standby).
   */
  async remove(name: string): Promise<void> {
    const members = this.members();
    const entry = members.find((m) => m.name === name);
    if (!entry) throw new StandbyNotFoundError(name);
    const next = members.filter((m) => m.name !== name);
    await this.withStore(async (store, keys) => {
      await this.publishRoster(store, keys, next);
      await store.delete(standbyMemberKey(name));
    });
    this.record(next, STANDBY_REMOVED_ACTION, entry);
  }

  /** The paired standbys with their last sign of life; an unreachable bucket leaves those unknown. */
  async list(): Promise<StandbyListing> {
    const members = this.members();
    let seen = new Map<string, number>();
    let bucketError: string | null = null;
    if (members.length > 0) {
      try {
        seen = await this.withStore((store) => readStandbyAlive(store));
      } catch (error) {
        if (!(error instanceof ObjectStoreError || error instanceof BackupNotConfiguredError)) throw error;
        bucketError = error.message;
      }
    }
    return {
      standbys: members.map(({ name, fingerprint, addedAt }) => ({
        name,
        fingerprint,
        addedAt,
        lastSeen: seen.get(fingerprint) ?? null,
      })),
      bucketError,
    };
  }
}
