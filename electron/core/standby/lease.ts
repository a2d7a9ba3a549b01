import { ConditionalWriteRefused } from '../backup/conditional-write-refused.js';
import type { Clock } from '../ports/clock.js';
import type { ConditionalObjectStore } from '../ports/object-store.js';
import {
  decideLease,
  leaseTiming,
  mayDeliver,
  runnerFacts,
  type HeldLease,
  type LeaseStep,
  type LeaseTiming,
  type LeaseView,
  type RunnerFacts,
  type SeenLease,
} from './lease-decision.js';
import {
  decodeLease,
  encodeLease,
  LEASE_KEY,
  newNonce,
  type LeaseRecord,
  type RunnerIdentity,
} from './lease-record.js';
import type { StandbyKeys } from './signed-object.js';

export interface StandbyLeaseOptions {
  store: ConditionalObjectStore;
  clock: Clock;
  /** The backup signing key pair (deriveBackupKeys): what makes a lease believable. */
  keys: StandbyKeys;
  vaultId: string;
  self: RunnerIdentity;
  role: 'primary' | 'standby';
  timing?: LeaseTiming;
}

/** What one `tick` did: the step taken, and whether its write went through. */
export interface LeaseTick {
  step: LeaseStep | 'unreachable';
  /** The step's write succeeded (false for `wait`, a refused write, or an unreachable bucket). */
  wrote: boolean;
  /** The bucket could not be read or written: what it said. */
  error?: Error;
}

/**
 * The lease of one runner on the bucket's `standby/lease` object: who may send warnings and
 * deliveries for the vault. Call `tick` every `timing.renewEveryMs` (or sooner); ask `mayDeliver`
 * right before each send (and claim the send, claims.ts). The rules are in lease-decision.ts.
 */
export class StandbyLease {
  readonly timing: LeaseTiming;
  private seen: SeenLease | null = null;
  private held: HeldLease | null = null;
  /** The last write whose reply never came: it may have landed (recognised by its nonce). */
  private unconfirmed: { nonce: string; mono: number; wall: number } | null = null;
  private highestEpoch = 0;
  /** The ETag of the hand-back this process wrote last (see `release`). */
  private handedBackEtag: string | null = null;

  constructor(private readonly options: StandbyLeaseOptions) {
    this.timing = options.timing ?? leaseTiming();
  }

  /** Reads the lease and its ETag; notes when this process first saw that ETag (its monotonic clock). */
  async observe(): Promise<SeenLease> {
    const { store, clock, keys, vaultId } = this.options;
    const object = await store.getTagged(LEASE_KEY);
    const mono = clock.monotonic();
    const etag = object?.etag ?? null;
    const record = object ? decodeLease(keys, vaultId, object.body) : null;
    this.highestEpoch = Math.max(this.highestEpoch, record?.epoch ?? 0);
    if (!this.seen || this.seen.etag !== etag) this.seen = { etag, record, firstSeenMono: mono };
    this.adoptUnconfirmed();
    // Someone else wrote it since our last write: we no longer hold it, stop at once.
    if (this.held && this.held.etag !== etag) this.held = null;
    return this.seen;
  }

  /** Observes, decides and writes what the rules say; never throws for the bucket's failures. */
  async tick(): Promise<LeaseTick> {
    try {
      await this.observe();
    } catch (error) {
      return { step: 'unreachable', wrote: false, error: error as Error };
    }
    const step = decideLease(this.view());
    if (step === 'wait') return { step, wrote: false };
    try {
      return { step, wrote: await this.act(step) };
    } catch (error) {
      return { step: 'unreachable', wrote: false, error: error as Error };
    }
  }

  private act(step: Exclude<LeaseStep, 'wait'>): Promise<boolean> {
    switch (step) {
      case 'renew':
        return this.renew();
      case 'reclaim':
        return this.write(this.seen!.record!.epoch, this.options.self, this.seen!.etag, this.seen!.record!.since);
      case 'acquire':
        return this.acquire();
      case 'takeover':
        return this.takeover();
    }
  }

  /*
   * The writes below do what their names say, now: when to do them is decideLease's (tick). Each
   * returns whether this runner holds the lease afterwards; a bucket that cannot be reached throws.
   */

  /** Creates the lease where none is (If-None-Match: *). */
  acquire(): Promise<boolean> {
    return this.write(this.highestEpoch + 1, this.options.self, null);
  }

  /** Renews the lease we hold (If-Match on our ETag). Refused: somebody took it over, we stop at once. */
  async renew(): Promise<boolean> {
    if (!this.held) return false;
    return this.write(this.held.record.epoch, this.options.self, this.held.etag, this.held.record.since);
  }

  /** Replaces the lease last observed (If-Match on its ETag) with ours, one epoch higher. */
  async takeover(): Promise<boolean> {
    if (!this.seen?.etag) return false;
    const epoch = Math.max(this.seen.record?.epoch ?? 0, this.highestEpoch) + 1;
    return this.write(epoch, this.options.self, this.seen.etag);
  }

  /**
   * The holder hands the lease back (holder null, epoch + 1): it stops sending before it writes.
   * True when the hand-back was written (another runner may take the lease at once).
   */
  async release(): Promise<boolean> {
    const held = this.held;
    if (!held) return false;
    this.held = null;
    const written = await this.write(held.record.epoch + 1, null, held.etag);
    // Not taken back at once by this process: it is meant for another runner (it is, once stale).
    if (written) this.handedBackEtag = this.seen?.etag ?? null;
    return written;
  }

  /**
   * One conditional write of the lease. Its times are read before the request leaves, so the
   * holder's "fresh until" never outlasts what an observer (who saw the write after it landed)
   * allows. A refusal may be our own earlier write whose reply was lost: the object is read back.
   */
  private async write(
    epoch: number,
    holder: RunnerIdentity | null,
    ifMatch: string | null,
    since?: number,
  ): Promise<boolean> {
    const { store, clock, keys, vaultId } = this.options;
    const mono = clock.monotonic();
    const wall = clock.now();
    const record: LeaseRecord = {
      vaultId,
      holder,
      epoch,
      ttlMs: this.timing.ttlMs,
      writtenAt: wall,
      nonce: newNonce(),
      ...(holder ? { since: since ?? wall } : {}),
    };
    const body = encodeLease(keys, record);
    this.unconfirmed = { nonce: record.nonce, mono, wall };
    let etag: string;
    try {
      etag =
        ifMatch === null ? await store.putIfAbsent(LEASE_KEY, body) : await store.putIfMatch(LEASE_KEY, body, ifMatch);
    } catch (error) {
      if (!(error instanceof ConditionalWriteRefused)) {
        // No answer: the write may or may not have landed; a later observe recognises its nonce.
        throw error;
      }
      // 412/404: somebody else wrote it, we hold nothing from now on (unless the object read
      // back is our own write). 409: nothing was written, the next observe tells.
      if (error.reason !== 'conflict') this.held = null;
      await this.observe().catch(() => undefined);
      return this.unconfirmed === null && this.held?.record.nonce === record.nonce;
    }
    this.unconfirmed = null;
    this.highestEpoch = Math.max(this.highestEpoch, epoch);
    this.seen = { etag, record, firstSeenMono: mono };
    this.held = holder ? { etag, record, renewedMono: mono, renewedWall: wall } : null;
    return true;
  }

  /** The lease in the bucket is the write we never heard back from: it is ours, from when we sent it. */
  private adoptUnconfirmed(): void {
    const pending = this.unconfirmed;
    const seen = this.seen!;
    if (!pending || seen.etag === null || seen.record?.nonce !== pending.nonce) return;
    this.unconfirmed = null;
    this.held =
      seen.record.holder?.id === this.options.self.id
        ? { etag: seen.etag, record: seen.record, renewedMono: pending.mono, renewedWall: pending.wall }
        : null;
  }

  /** Whether this runner may send now: it holds the lease and renewed it within the TTL (both its clocks). */
  mayDeliver(): boolean {
    return mayDeliver(this.held, this.options.clock.monotonic(), this.options.clock.now());
  }

  /** role, leaseHolder, leaseEpoch, primarySilentForMs, takeoverAt: what status shows. */
  runnerFacts(): RunnerFacts {
    return runnerFacts(this.view());
  }

  /** The lease as this process last read it (null: none, or not believable). */
  seenRecord(): LeaseRecord | null {
    return this.seen?.record ?? null;
  }

  /** The epoch of the lease this runner holds (what its claims record), null when it holds none. */
  heldEpoch(): number | null {
    return this.held?.record.epoch ?? null;
  }

  private view(): LeaseView {
    const { clock, role, self } = this.options;
    return {
      role,
      self,
      timing: this.timing,
      mono: clock.monotonic(),
      wall: clock.now(),
      seen: this.seen,
      held: this.held,
      handedBack: this.seen !== null && this.seen.etag === this.handedBackEtag,
    };
  }
}
