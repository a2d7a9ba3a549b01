import type { Logger } from '../ports/logger.js';
import { SendClaims } from './claims.js';
import type { RunnerFacts } from './lease-decision.js';
import { StandbyLease, type LeaseTick, type StandbyLeaseOptions } from './lease.js';

export type GateDecision =
  | { send: true }
  /** Not now: leave the row pending (no attempt counted). */
  | { send: false; hold: true }
  /** Record the row as sent by the other runner. */
  | { send: false; sentElsewhere: { runner: string; at: number } };

/** Asked right before each warning or delivery goes out, and told once it went. */
export interface SendGate {
  beforeSend(idempotencyKey: string): Promise<GateDecision>;
  /** The receipt; never throws. */
  afterSend(idempotencyKey: string): Promise<void>;
}

export type RunnerCoordinationDeps = StandbyLeaseOptions & { logger?: Logger };

/**
 * One runner's lease and send claims for a vault (lease.ts, claims.ts): `tick` is the lease step
 * its timer calls, `gate` is what the outbox worker asks before each send. Only the lease holder
 * sends, and only after its claim on that very send is written.
 */
export class RunnerCoordination {
  readonly gate: SendGate;
  private readonly lease: StandbyLease;
  private readonly claims: SendClaims;
  private readonly listeners = new Set<(facts: RunnerFacts) => void>();
  private held = false;

  constructor(private readonly deps: RunnerCoordinationDeps) {
    this.lease = new StandbyLease(deps);
    this.claims = new SendClaims({ ...deps, epoch: () => this.lease.heldEpoch() });
    this.gate = {
      beforeSend: (key) => this.beforeSend(key),
      afterSend: (key) => this.afterSend(key),
    };
  }

  async tick(): Promise<LeaseTick> {
    const tick = await this.lease.tick();
    if (tick.error) this.deps.logger?.warn('the lease could not be read or written', { error: tick.error.message });
    this.noticeChange();
    return tick;
  }

  facts(): RunnerFacts {
    return this.lease.runnerFacts();
  }

  async release(): Promise<boolean> {
    const released = await this.lease.release().catch((error: unknown) => {
      this.deps.logger?.warn('the lease could not be handed back', { error: (error as Error).message });
      return false;
    });
    this.noticeChange();
    return released;
  }

  holds(): boolean {
    return this.lease.mayDeliver();
  }

  onChange(listener: (facts: RunnerFacts) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private noticeChange(): void {
    const holds = this.holds();
    if (holds === this.held) return;
    this.held = holds;
    const facts = this.facts();
    for (const listener of this.listeners) listener(facts);
  }

  private async beforeSend(idempotencyKey: string): Promise<GateDecision> {
    if (!this.lease.mayDeliver()) return { send: false, hold: true };
    const claim = await this.claims.claim(idempotencyKey);
    switch (claim.outcome) {
      case 'ours':
        return { send: true };
      case 'theirs':
        return claim.sentAt === null
          ? { send: false, hold: true }
          : { send: false, sentElsewhere: { runner: claim.runner.name, at: claim.sentAt } };
      case 'unreachable':
        // No other runner can hold the lease while ours is fresh: holding back would be silence.
        return this.lease.mayDeliver() ? { send: true } : { send: false, hold: true };
    }
  }

  private async afterSend(idempotencyKey: string): Promise<void> {
    try {
      await this.claims.receipt(idempotencyKey);
    } catch (error) {
      this.deps.logger?.warn('the receipt of a send could not be written', { error: (error as Error).message });
    }
  }
}
