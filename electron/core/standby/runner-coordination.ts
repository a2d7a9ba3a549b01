import type { Logger } from '../ports/logger.js';
import type { GateDecision, SendGate } from '../ports/send-gate.js';
import { SendClaims } from './claims.js';
import { StandbyLease, type LeaseTick, type StandbyLeaseOptions } from './lease.js';
import type { LeaseTiming, RunnerFacts } from './lease-decision.js';
import type { LeaseRecord, RunnerIdentity } from './lease-record.js';

export type { GateDecision, SendGate } from '../ports/send-gate.js';

export interface RunnerCoordinationDeps extends StandbyLeaseOptions {
  logger?: Logger;
}

const HOLD: GateDecision = { send: false, hold: true };
const SEND: GateDecision = { send: true };
/** Past this many remembered looks at other runners' claims, the old ones are forgotten. */
const PEEKS_KEPT = 10_000;

/**
 * One runner's part in who sends for a vault: the lease (StandbyLease) and the send claims
 * (SendClaims) on the bucket, and the gate the outbox worker asks before each send.
 *
 * The gate says `send` only while this runner holds a fresh lease and its claim on the send is
 * written (or the bucket cannot be reached: then the fresh lease alone, as nobody else can take the
 * lease meanwhile). A runner without the lease never writes a claim: it reads the claim, at most
 * once per renewal period for a send, to learn whether the holder sent it (`sentElsewhere`), and
 * otherwise holds. The caller ticks the lease every `timing.renewEveryMs` or sooner.
 */
export class RunnerCoordination {
  readonly gate: SendGate;
  readonly timing: LeaseTiming;
  private readonly lease: StandbyLease;
  private readonly claims: SendClaims;
  private readonly listeners = new Set<(facts: RunnerFacts) => void>();
  /** When this process last read another runner's claim on a send (monotonic), by idempotency key. */
  private readonly peeked = new Map<string, number>();
  private lastShown: string | null = null;

  constructor(private readonly deps: RunnerCoordinationDeps) {
    this.lease = new StandbyLease(deps);
    this.timing = this.lease.timing;
    this.claims = new SendClaims({ ...deps, epoch: () => this.lease.heldEpoch() });
    this.gate = {
      beforeSend: (key) => this.beforeSend(key),
      afterSend: (key) => this.afterSend(key),
    };
  }

  /** One lease step; tells the listeners when the lease was gained or lost, or changed hands. */
  async tick(): Promise<LeaseTick> {
    const result = await this.lease.tick();
    if (result.error) this.deps.logger?.warn('the lease could not be read or written', { error: result.error.message });
    this.announce();
    return result;
  }

  facts(): RunnerFacts {
    return this.lease.runnerFacts();
  }

  /** Hands the lease back (nothing is sent from here from now on); true when the hand-back was written. */
  async release(): Promise<boolean> {
    try {
      return await this.lease.release();
    } catch (error) {
      this.deps.logger?.warn('the lease could not be handed back', { error: (error as Error).message });
      return false;
    } finally {
      this.announce();
    }
  }

  /** This runner, as the lease and the claims name it. */
  get self(): RunnerIdentity {
    return this.deps.self;
  }

  /** The lease as last read (its holder, epoch, and since when that holder has it); null when none is believed. */
  leaseRecord(): LeaseRecord | null {
    return this.lease.seenRecord();
  }

  /** This runner may send now (it holds a fresh lease). */
  holds(): boolean {
    return this.lease.mayDeliver();
  }

  /** The lease names another runner: a send held now is expected, not a sign of an unreachable bucket. */
  heldByAnother(): boolean {
    const holder = this.facts().leaseHolder;
    return holder !== null && holder.id !== this.deps.self.id;
  }

  onChange(listener: (facts: RunnerFacts) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(): void {
    const facts = this.facts();
    const shown = JSON.stringify([this.holds(), facts.leaseHolder?.id ?? null, facts.leaseEpoch]);
    if (shown === this.lastShown) return;
    const first = this.lastShown === null;
    this.lastShown = shown;
    this.peeked.clear();
    if (first && !this.holds() && facts.leaseHolder === null) return;
    for (const listener of this.listeners) listener(facts);
  }

  private async beforeSend(key: string): Promise<GateDecision> {
    if (!this.holds()) return this.askHolder(key);
    const claim = await this.claims.claim(key);
    switch (claim.outcome) {
      case 'ours':
        // The lease may have run out while the claim was written.
        return this.holds() ? SEND : HOLD;
      case 'theirs':
        return claim.sentAt !== null
          ? { send: false, sentElsewhere: { runner: claim.runner.name, at: claim.sentAt } }
          : HOLD;
      case 'unreachable':
        this.deps.logger?.warn('the send claim could not be written: sending on the fresh lease', {
          error: claim.error.message,
        });
        return this.holds() ? SEND : HOLD;
    }
  }

  /** Without the lease: did the holder send it? Read at most once per renewal period for each send. */
  private async askHolder(key: string): Promise<GateDecision> {
    const now = this.deps.clock.monotonic();
    const last = this.peeked.get(key);
    if (last !== undefined && now - last < this.timing.renewEveryMs) return HOLD;
    if (this.peeked.size >= PEEKS_KEPT) this.peeked.clear();
    this.peeked.set(key, now);
    try {
      const claim = await this.claims.peek(key);
      if (claim && claim.runner.id !== this.deps.self.id && claim.sentAt !== null) {
        return { send: false, sentElsewhere: { runner: claim.runner.name, at: claim.sentAt } };
      }
    } catch {
      // The bucket cannot be reached: nothing is known, nothing is sent.
    }
    return HOLD;
  }

  private async afterSend(key: string): Promise<void> {
    try {
      if (!(await this.claims.receipt(key))) {
        this.deps.logger?.warn("the receipt was not written: the claim is no longer this runner's");
      }
    } catch (error) {
      // The other runner, seeing no receipt, sends it again once it holds the lease (same Message-ID).
      this.deps.logger?.warn('the receipt could not be written', { error: (error as Error).message });
    }
  }
}
