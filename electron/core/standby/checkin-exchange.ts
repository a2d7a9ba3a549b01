import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ExchangeState, ExchangeStateStore } from './checkin-exchange-state.js';
import { CHECKINS_PREFIX, checkinKey, decodeCheckin, encodeCheckin, type PublishedCheckin } from './checkin-record.js';
import { handBackAfterPrimaryCheckin, type LeaseHolder } from './hand-back.js';
import type { RunnerIdentity } from './lease-record.js';
import type { StandbyKeys } from './signed-object.js';

/** A check-in row of this runner's vault. */
export interface LocalCheckin {
  id: number;
  at: number;
  source: string;
}

/** The vault an exchange works on (checkin-vault.ts makes one from a vault's database). */
export interface ExchangeVault {
  /** The newest check-in made on this runner, not one applied from another runner; null when none. */
  latestLocalCheckin(): LocalCheckin | null;
  /** Counts a check-in made on another runner here ("I'm here" with `source`), audited. */
  checkIn(source: string, from: PublishedCheckin): void | Promise<void>;
  /** Whether this vault holds that very check-in row (it is a copy of the publisher's vault). */
  holdsCheckin?(checkin: { checkinId: number; at: number }): boolean;
}

export interface CheckinExchangeDeps extends Partial<ExchangeVault> {
  store: ObjectStore;
  clock: Clock;
  /** The backup signing key pair: what makes a check-in believable. */
  keys: StandbyKeys;
  vaultId: string;
  self: RunnerIdentity;
  role: 'primary' | 'standby';
  /** What is applied and published, across restarts. */
  state: ExchangeStateStore;
  /** A standby's lease: handed back when it applies a check-in of the primary. */
  lease?: LeaseHolder;
  logger?: Logger;
}

/** What one pass did. */
export interface ExchangePass {
  published: PublishedCheckin | null;
  applied: PublishedCheckin[];
  handedBack: boolean;
}

export const sourceOf = (checkin: PublishedCheckin): string => `${checkin.role}:${checkin.runner.name}`;

/**
 * Check-ins count on every runner of a vault. Each runner publishes its newest local check-in to
 * `standby/checkins/<runnerId>` (signed like the lease; a plain PUT, only that runner writes it)
 * and reads the others' objects: a seq it has not applied yet is applied as a local check-in with
 * the source `primary:<name>` or `standby:<name>`. Only seqs are compared, never one machine's
 * time with another's. Local check-ins are found by reading the vault (whatever made them: the
 * app, `afterword checkin` in another process, a link, a token), so none is missed for want of an
 * event; check-ins applied from another runner are never published again (no echo).
 *
 * Without a vault (a standby following, not running the schedule) the exchange only remembers the
 * newest primary check-in; `attach` applies it right after a takeover unless the copy taken over
 * already holds it. With a `lease`, a standby that applies a check-in of the primary hands the
 * lease back (see hand-back.ts).
 *
 * A fresh state (first start, or its file lost) counts what is in the bucket and the vault now as
 * known: an old check-in is never applied as a new one. A crash between applying a check-in and
 * saving the state can apply that one check-in twice, seconds apart; saving first could lose it.
 */
export class CheckinExchange {
  private vault: ExchangeVault | null;
  private state: ExchangeState | null = null;
  /** The remote objects have not been read since the state was made fresh: read them as known. */
  private baselineRemote = false;
  private chain: Promise<unknown> = Promise.resolve();
  /** Objects already reported as not believable (key and size), so a bad object is logged once. */
  private readonly ignored = new Set<string>();
  private lastPassAt: number | null = null;

  constructor(private readonly deps: CheckinExchangeDeps) {
    const { latestLocalCheckin, checkIn, holdsCheckin } = deps;
    this.vault = latestLocalCheckin && checkIn ? { latestLocalCheckin, checkIn, holdsCheckin } : null;
  }

  /** When the last pass completed (this runner's clock), null before the first. */
  get lastPass(): number | null {
    return this.lastPassAt;
  }

  /** Publishes a new local check-in, applies the others' new ones, hands the lease back if that says so. */
  pass(): Promise<ExchangePass> {
    return this.serial(async () => {
      const published = await this.publishNow();
      const applied = await this.pollNow();
      const handedBack = this.deps.lease
        ? await handBackAfterPrimaryCheckin(applied, this.deps.role, this.deps.lease)
        : false;
      if (handedBack) this.deps.logger?.info('a check-in of the primary arrived: the lease is handed back');
      this.lastPassAt = this.deps.clock.now();
      return { published, applied, handedBack };
    });
  }

  /** Publishes the newest local check-in if it is newer than the last one published. */
  publish(): Promise<PublishedCheckin | null> {
    return this.serial(() => this.publishNow());
  }

  /** Reads the other runners' check-ins; applies the new ones (or, without a vault, keeps the primary's newest). */
  poll(): Promise<PublishedCheckin[]> {
    return this.serial(() => this.pollNow());
  }

  /**
   * A vault to run on (a standby took over, in a copy of the primary's vault): what it holds now
   * counts as published, and the primary's newest check-in (in the bucket, or seen while
   * following) is applied unless the copy holds it. Returns what was applied.
   */
  attach(vault: ExchangeVault & Required<Pick<ExchangeVault, 'holdsCheckin'>>): Promise<PublishedCheckin[]> {
    return this.serial(async () => {
      const state = await this.loaded();
      this.vault = vault;
      state.published.checkinId = vault.latestLocalCheckin()?.id ?? 0;
      // The primary's newest check-in, whether or not an earlier run here applied it: that run's
      // vault may have been moved aside (a hand-back) and this copy be older than the check-in.
      // Applying a check-in the copy lacks only ever delays warnings.
      const inBucket = await this.readOthers().catch(() => []);
      const pending = newestOfPrimary(inBucket, state.pendingPrimary);
      state.pendingPrimary = null;
      const applied: PublishedCheckin[] = [];
      if (pending) {
        if (!vault.holdsCheckin(pending)) {
          await vault.checkIn(sourceOf(pending), pending);
          applied.push(pending);
        }
        state.applied[pending.runner.id] = Math.max(pending.seq, state.applied[pending.runner.id] ?? 0);
      }
      await this.deps.state.save(state);
      return applied;
    });
  }

  /** Back to following: nothing is applied or published until the next `attach`. */
  detach(): void {
    this.vault = null;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async loaded(): Promise<ExchangeState> {
    if (this.state) return this.state;
    const kept = await this.deps.state.load();
    if (kept && kept.vaultId === this.deps.vaultId) {
      this.state = kept;
      return kept;
    }
    this.baselineRemote = true;
    this.state = {
      format: 1,
      vaultId: this.deps.vaultId,
      published: { seq: 0, checkinId: this.vault?.latestLocalCheckin()?.id ?? 0 },
      applied: {},
      pendingPrimary: null,
    };
    return this.state;
  }

  private async publishNow(): Promise<PublishedCheckin | null> {
    const state = await this.loaded();
    const latest = this.vault?.latestLocalCheckin() ?? null;
    if (!latest || latest.id <= state.published.checkinId) return null;
    const { store, keys, vaultId, self, role } = this.deps;
    // The bucket's copy keeps the seq growing when this runner's state was lost.
    const current = await store.get(checkinKey(self.id));
    const before = current ? (decodeCheckin(keys, vaultId, current, self.id)?.seq ?? 0) : 0;
    const record: PublishedCheckin = {
      vaultId,
      runner: self,
      role,
      seq: Math.max(state.published.seq, before) + 1,
      at: latest.at,
      source: latest.source,
      checkinId: latest.id,
    };
    await store.put(checkinKey(self.id), encodeCheckin(keys, record));
    state.published = { seq: record.seq, checkinId: latest.id };
    await this.deps.state.save(state);
    return record;
  }

  private async pollNow(): Promise<PublishedCheckin[]> {
    const state = await this.loaded();
    const others = await this.readOthers();
    const applied: PublishedCheckin[] = [];
    if (this.baselineRemote) {
      for (const other of others) state.applied[other.runner.id] = other.seq;
      state.pendingPrimary = this.vault ? null : newestOfPrimary(others, state.pendingPrimary);
      this.baselineRemote = false;
      await this.deps.state.save(state);
      return applied;
    }
    const fresh = others.filter((other) => other.seq > (state.applied[other.runner.id] ?? 0));
    if (!this.vault) {
      const pending = newestOfPrimary(fresh, state.pendingPrimary);
      if (pending !== state.pendingPrimary) {
        state.pendingPrimary = pending;
        await this.deps.state.save(state);
      }
      return applied;
    }
    for (const other of fresh) {
      await this.vault.checkIn(sourceOf(other), other);
      state.applied[other.runner.id] = other.seq;
      await this.deps.state.save(state);
      applied.push(other);
      this.deps.logger?.info('check-in from another runner applied', {
        runner: other.runner.name,
        role: other.role,
        seq: other.seq,
      });
    }
    return applied;
  }

  /** Every other runner's believable check-in object. */
  private async readOthers(): Promise<PublishedCheckin[]> {
    const { store, keys, vaultId, self } = this.deps;
    const found: PublishedCheckin[] = [];
    for await (const object of store.list(CHECKINS_PREFIX)) {
      const runnerId = object.key.slice(CHECKINS_PREFIX.length);
      if (runnerId === self.id || runnerId.includes('/')) continue;
      const bytes = await store.get(object.key);
      const record = bytes ? decodeCheckin(keys, vaultId, bytes, runnerId) : null;
      if (record) {
        found.push(record);
        continue;
      }
      const seen = `${object.key}:${object.size}:${object.lastModified}`;
      if (bytes && !this.ignored.has(seen)) {
        this.ignored.add(seen);
        this.deps.logger?.warn('a check-in object in the bucket is not signed for this vault: ignored', {
          key: object.key,
        });
      }
    }
    return found;
  }
}

/** The newest primary check-in among `seen` and the one kept so far (seqs of one runner only are compared). */
function newestOfPrimary(seen: readonly PublishedCheckin[], kept: PublishedCheckin | null): PublishedCheckin | null {
  let newest = kept;
  for (const checkin of seen) {
    if (checkin.role !== 'primary') continue;
    if (!newest || newest.runner.id !== checkin.runner.id || checkin.seq > newest.seq) newest = checkin;
  }
  return newest;
}
