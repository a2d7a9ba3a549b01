import { wasRefused } from '../backup/conditional-write-refused.js';
import { idempotencyDigest } from '../delivery/idempotency-digest.js';
import type { Clock } from '../ports/clock.js';
import type { ConditionalObjectStore } from '../ports/object-store.js';
import type { RunnerIdentity } from './lease-record.js';
import { decodeSigned, encodeSigned, type StandbyKeys } from './signed-object.js';

/**
 * Send claims: before any send (warning or delivery) the sender writes `standby/claims/<digest>`
 * with If-None-Match: *, the digest being idempotencyDigest of the outbox row's idempotency key
 * (the Message-ID and webhook-id come from it too), so both machines name one send alike. Only the
 * writer of the claim sends; a receipt (the claim rewritten with `sentAt`) follows the send.
 *
 * Outcomes of `claim`:
 * - `ours`: written now, or the claim was already this runner's (a restart after a crash): send.
 * - `theirs`: another runner claimed it. With `sentAt`, it was sent there: record the row as sent
 *   elsewhere, never send it again. Without, a runner of the same or a newer lease epoch is on it:
 *   do not send now, ask again later.
 * - `unreachable`: the bucket could not be read or written. The caller may then send only while
 *   its own lease is fresh (StandbyLease.mayDeliver): no other runner can take the lease before
 *   ours has stood unchanged for ttl + margin on its clock, so nobody else sends meanwhile, and a
 *   send held back for a bucket outage would be a silent non-delivery. Once the lease is not
 *   fresh, nothing is sent on stale knowledge.
 *
 * An unsent claim of an older lease epoch is taken over (If-Match on its ETag): its writer lost
 * the lease, so it is not sending now; if it had sent and died before its receipt, the repeat
 * carries the same Message-ID / webhook-id and the receiving side can drop it. A claim that is not
 * believable (not signed by this vault) is replaced the same way: If-Match lets one runner win.
 */

export const CLAIMS_PREFIX = 'standby/claims/';

export const claimKey = (idempotencyKey: string): string => `${CLAIMS_PREFIX}${idempotencyDigest(idempotencyKey)}`;

export interface ClaimRecord {
  vaultId: string;
  digest: string;
  runner: RunnerIdentity;
  /** The claimer's lease epoch when it claimed. */
  epoch: number;
  /** The claimer's wall clock when it claimed, for people reading (never compared across machines). */
  at: number;
  /** The claimer's wall clock when the send went out; null until the receipt. */
  sentAt: number | null;
}

export type ClaimOutcome =
  | { outcome: 'ours' }
  | { outcome: 'theirs'; runner: RunnerIdentity; epoch: number; at: number; sentAt: number | null }
  | { outcome: 'unreachable'; error: Error };

export interface SendClaimsOptions {
  store: ConditionalObjectStore;
  clock: Clock;
  keys: StandbyKeys;
  vaultId: string;
  self: RunnerIdentity;
  /** The epoch of the lease this runner holds now (StandbyLease.heldEpoch), null when none. */
  epoch: () => number | null;
}

const LABEL = 'claim';
/** Rounds of write, read back, replace before giving up on a claim that keeps changing. */
const ATTEMPTS = 4;

export class SendClaims {
  constructor(private readonly options: SendClaimsOptions) {}

  async claim(idempotencyKey: string): Promise<ClaimOutcome> {
    const key = claimKey(idempotencyKey);
    const digest = idempotencyDigest(idempotencyKey);
    try {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const decided = await this.tryClaim(key, digest);
        if (decided) return decided;
      }
      return { outcome: 'unreachable', error: new Error(`the claim ${key} kept changing while it was being written`) };
    } catch (error) {
      return { outcome: 'unreachable', error: error as Error };
    }
  }

  private async tryClaim(key: string, digest: string): Promise<ClaimOutcome | null> {
    const { store, self, epoch } = this.options;
    if (await this.written(() => store.putIfAbsent(key, this.encode(digest, null)))) return { outcome: 'ours' };
    const current = await store.getTagged(key);
    if (!current) return null; // gone again (a 409 left nothing, or it was pruned): write it again
    const claim = this.decode(digest, current.body);
    if (claim?.runner.id === self.id) return { outcome: 'ours' };
    if (claim && (claim.sentAt !== null || claim.epoch >= (epoch() ?? 0))) {
      return { outcome: 'theirs', runner: claim.runner, epoch: claim.epoch, at: claim.at, sentAt: claim.sentAt };
    }
    const replaced = await this.written(() => store.putIfMatch(key, this.encode(digest, null), current.etag));
    return replaced ? { outcome: 'ours' } : null;
  }

  /**
   * The claim as it stands, without writing anything (a runner that does not hold the lease asks
   * whether the other runner sent it): null when there is none or it is not believable. A bucket
   * that cannot be reached throws.
   */
  async peek(idempotencyKey: string): Promise<ClaimRecord | null> {
    const current = await this.options.store.getTagged(claimKey(idempotencyKey));
    return current ? this.decode(idempotencyDigest(idempotencyKey), current.body) : null;
  }

  /**
   * The receipt: this runner's claim rewritten with `sentAt` (If-Match on its ETag). False when the
   * claim is not this runner's (nothing is written then); a bucket that cannot be reached throws.
   */
  async receipt(idempotencyKey: string): Promise<boolean> {
    const key = claimKey(idempotencyKey);
    const digest = idempotencyDigest(idempotencyKey);
    const current = await this.options.store.getTagged(key);
    const claim = current ? this.decode(digest, current.body) : null;
    if (!current || claim?.runner.id !== this.options.self.id) return false;
    const body = this.encode(digest, this.options.clock.now(), claim.epoch, claim.at);
    return this.written(() => this.options.store.putIfMatch(key, body, current.etag));
  }

  private async written(write: () => Promise<string>): Promise<boolean> {
    return !(await wasRefused(write));
  }

  private encode(digest: string, sentAt: number | null, epoch?: number, at?: number): Uint8Array {
    const { keys, vaultId, self, clock } = this.options;
    const record: ClaimRecord = {
      vaultId,
      digest,
      runner: { id: self.id, name: self.name },
      epoch: epoch ?? this.options.epoch() ?? 0,
      at: at ?? clock.now(),
      sentAt,
    };
    return encodeSigned(keys, LABEL, record);
  }

  /** The claim when believable: signed by this vault, for this vault and this very send. */
  private decode(digest: string, bytes: Uint8Array): ClaimRecord | null {
    const body = decodeSigned(this.options.keys, LABEL, bytes);
    if (!body || body.vaultId !== this.options.vaultId || body.digest !== digest) return null;
    const { runner, epoch, at, sentAt } = body as Partial<ClaimRecord>;
    if (!runner || typeof runner.id !== 'string' || typeof runner.name !== 'string') return null;
    if (typeof epoch !== 'number' || typeof at !== 'number' || !(sentAt === null || typeof sentAt === 'number')) {
      return null;
    }
    return { vaultId: this.options.vaultId, digest, runner, epoch, at, sentAt };
  }
}
