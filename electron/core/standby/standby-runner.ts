import { mkdir } from 'node:fs/promises';
import type { AppCore } from '../api/app-core.js';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStore, ObjectStoreFactory } from '../ports/object-store.js';
import { HeldSendsNotice } from './held-sends-notice.js';
import { Vault } from '../vault/vault.js';
import { checkinVault } from './checkin-vault.js';
import { leaseTiming, type LeaseTiming, type RunnerFacts } from './lease-decision.js';
import type { LeaseTick } from './lease.js';
import { StandbyNotPairedError } from './pairing-errors.js';
import { probeConditionalWrites } from './probe-conditional-writes.js';
import { writeRunnerFacts, type StandbyFacts, type StandbyState } from './runner-facts-file.js';
import type { GateDecision, SendGate } from './runner-coordination.js';
import { writeStandbyAlive } from './standby-alive.js';
import type { LoadedStandby } from './standby-setup.js';
import { unwrapStandbyPairing } from './standby-unwrap.js';
import { pairedParts, type Paired } from './standby-pairing.js';
import { followDir, materializeTakeover, moveTakenOverAside } from './takeover-vault.js';

export interface StandbyRunnerDeps {
  /** The standby's folder (standby.json; `follow/` for the followed copy; the vault itself once it takes over). */
  dir: string;
  standby: LoadedStandby;
  clock: Clock;
  /** This machine's key store: the standby's identity is there, and the taken-over copy's device key goes there. */
  keyStore: KeyStore;
  marks?: KeyStore;
  stores: ObjectStoreFactory;
  logger: Logger;
  /** The lease TTL this standby writes when it holds the lease (12 h by default). */
  ttlMs?: number;
}

/** What the runner around it provides once it listens: the vault of `dir`, and how to stop its scheduler. */
export interface StandbyHost {
  /** The vault of `dir` (its engine is given `gate` as its send gate). */
  app: AppCore;
  /** Stops the scheduler loop once the sends on the wire are finished (a lost lease). */
  pauseScheduler(): Promise<void>;
}

const NO_FACTS: RunnerFacts = {
  role: 'standby',
  leaseHolder: null,
  leaseEpoch: null,
  primarySilentForMs: null,
  takeoverAt: null,
};

/**
 * `afterword serve --standby`: follows the primary's backups into `dir/follow/` and watches the
 * lease. Once the primary has been silent for the lease's TTL plus its margin (on this machine's
 * monotonic clock) and the lease is won, the followed copy becomes a runnable vault in `dir`
 * itself and the schedule continues there, every send claimed in the bucket first. A lost or
 * handed-back lease stops it again; the copy it ran is moved aside and following resumes.
 */
export class StandbyRunner {
  /** The engine's send gate: the coordination's once paired, "hold" before. */
  readonly gate: SendGate;
  readonly timing: LeaseTiming;
  private readonly store: ObjectStore;
  private paired: Paired | null = null;
  private state: StandbyState = 'waiting-for-pairing';
  private lastError: string | null = null;
  private polling: Promise<void> | null = null;
  private host: StandbyHost | null = null;
  private probed = false;
  private stepping: Promise<LeaseTick> | null = null;
  /** The check-in exchange runs on the vault that took over (attached on its first pass). */
  private checkinsAttached = false;
  private closed = false;
  private readonly heldNotice: HeldSendsNotice;

  constructor(private readonly deps: StandbyRunnerDeps) {
    this.timing = leaseTiming(deps.ttlMs);
    this.store = deps.stores(deps.standby.target);
    const hold: GateDecision = { send: false, hold: true };
    this.heldNotice = new HeldSendsNotice({
      clock: deps.clock,
      name: () => this.paired?.self.name ?? deps.standby.config.fingerprint,
      services: () => {
        if (this.state !== 'active') return null;
        try {
          return this.host?.app.keyedServices() ?? null;
        } catch {
          return null; // locked: nothing to tell the owner with
        }
      },
    });
    this.gate = {
      beforeSend: async (key) => {
        if (this.heldNotice.exempt(key)) return { send: true };
        const decision = (await this.paired?.coordination.gate.beforeSend(key)) ?? hold;
        if (decision.send) this.heldNotice.sent();
        else if ('hold' in decision && !this.paired?.coordination.heldByAnother()) this.heldNotice.held();
        return decision;
      },
      afterSend: (key) => this.paired?.coordination.gate.afterSend(key) ?? Promise.resolve(),
    };
  }

  /**
   * The lease's step before each drain of the engine it runs (EnginePorts.beforeDrain): a holder
   * whose clock moved renews before it sends. Losing the lease is acted on by the next poll.
   */
  async tickLease(): Promise<void> {
    if (this.paired) await this.leaseStep(this.paired);
  }

  /**
   * One lease step at a time: two renewals sent at once would name the same ETag, and the one the
   * bucket refuses would make this runner believe it lost the lease. A caller that finds a step
   * under way shares its outcome.
   */
  private leaseStep(paired: Paired): Promise<LeaseTick> {
    this.stepping ??= paired.coordination.tick().finally(() => {
      this.stepping = null;
    });
    return this.stepping;
  }

  /**
   * Before each scheduler pass of the vault it runs (EnginePorts.beforePass): the first one
   * applies the primary's newest check-in seen while following (unless the copy holds it), so no
   * warning goes out to someone who checked in at the primary; every one exchanges check-ins with
   * the other runners, and one made at the primary hands the lease back. Never throws.
   */
  async beforePass(): Promise<void> {
    const paired = this.paired;
    const app = this.host?.app;
    if (!paired || !app) return;
    try {
      if (!this.checkinsAttached) {
        const { vault } = app.keyedServices();
        const { scheduler } = app.engineOrThrow();
        await paired.checkins.attach(checkinVault({ db: vault.db, audit: vault.audit, scheduler }));
        this.checkinsAttached = true;
      }
      await paired.checkins.pass();
    } catch (error) {
      this.deps.logger.warn('check-ins could not be exchanged', { error: (error as Error).message });
    }
  }

  /** How often `poll` should run: the holder renews within this, and the observer sees changes. */
  get pollEveryMs(): number {
    return Math.min(this.timing.renewEveryMs, 60_000);
  }

  /**
   * Whether the bucket can arbitrate between two machines, asked at every start: a server that
   * ignores conditional writes is refused (StandbyUnsupportedServerError). A bucket that cannot
   * be reached now is asked again on each poll; nothing is followed or taken over until it answers.
   */
  async probe(): Promise<void> {
    const result = await probeConditionalWrites(this.store);
    if (!result.ok) throw result.error;
    this.probed = true;
  }

  attach(host: StandbyHost): void {
    this.host = host;
  }

  facts(): StandbyFacts & { runner: RunnerFacts } {
    const follower = this.paired?.follower;
    const seq = follower?.appliedSeq ?? null;
    return {
      state: this.state,
      name: this.paired?.self.name ?? null,
      fingerprint: this.deps.standby.config.fingerprint,
      followed: seq === null ? null : { seq, at: follower!.appliedAt! },
      lastError: this.lastError,
      runner: this.paired?.coordination.facts() ?? NO_FACTS,
    };
  }

  /**
   * Hands the lease back (the primary is there again): sends stop at once, and the vault that ran
   * here is stopped and moved aside by the poll that follows. True when the hand-back was written.
   */
  async handBack(): Promise<boolean> {
    if (!this.paired || this.state !== 'active') return false;
    const released = await this.paired.coordination.release();
    await this.poll();
    return released;
  }

  /** One step: pairing, following, the lease, taking over or handing back. One at a time. */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      if (!this.probed) await this.probe();
      if (this.state === 'active') await this.whileActive();
      else await this.whileFollowing();
      this.lastError = null;
    } catch (error) {
      this.lastError = (error as Error).message ?? String(error);
      this.deps.logger.warn('standby poll failed', { error: this.lastError });
    }
    await this.report();
  }

  private async whileFollowing(): Promise<void> {
    const paired = await this.pair();
    if (!paired) return;
    const { coordination, follower } = paired;
    if (Vault.exists(this.deps.dir)) {
      // Still here from before a restart: it runs again once the lease is this standby's (reclaimed,
      // or won again); it is moved aside only when another runner holds the lease.
      await this.leaseStep(paired);
      if (coordination.holds()) return this.activate(null);
      const holder = coordination.facts().leaseHolder;
      // The runner opened it at start: stopped and closed before its files are moved.
      if (holder && holder.id !== paired.self.id) await this.stopAndMoveAside();
      return;
    }
    this.state = 'following';
    await mkdir(followDir(this.deps.dir), { recursive: true, mode: 0o700 });
    const synced = await follower.syncToLatest();
    // Keeps the primary's newest check-in: applied right after a takeover if the copy lacks it.
    await paired.checkins
      .poll()
      .catch((error: unknown) =>
        this.deps.logger.warn('check-ins could not be read', { error: (error as Error).message }),
      );
    // The lease is only taken with a copy to run: the staleness count starts once there is one.
    await this.leaseStep(paired);
    if (coordination.holds()) await this.activate(synced.applied.seq);
  }

  /** The pairing in the bucket, checked on every poll while following (a removed standby stops). */
  private async pair(): Promise<Paired | null> {
    const { standby, clock, logger } = this.deps;
    let pairing;
    try {
      pairing = await unwrapStandbyPairing(this.store, standby.identity, this.paired?.pin);
    } catch (error) {
      if (!(error instanceof StandbyNotPairedError)) throw error;
      this.state = this.paired ? 'removed' : 'waiting-for-pairing';
      return null;
    }
    if (this.paired) {
      pairing.vaultKey.fill(0);
      return this.paired;
    }
    this.paired = pairedParts(pairing, {
      store: this.store,
      clock,
      logger,
      dir: this.deps.dir,
      marks: this.deps.marks,
      timing: this.timing,
    });
    logger.info('paired: following the primary', { name: pairing.name, vaultId: pairing.vaultId });
    return this.paired;
  }

  /**
   * The lease is ours: the copy becomes the vault of `dir` (unless it is there already) and runs.
   * A copy that cannot be made or cannot run unattended (a locked key store, a vault refused on
   * open) must not keep the lease while nothing sends: the vault is stopped and moved aside, the
   * lease handed back (the primary, if it is there, takes it at once) and the error reported.
   */
  private async activate(seq: number | null): Promise<void> {
    const paired = this.paired!;
    const host = this.requireHost();
    try {
      if (!Vault.exists(this.deps.dir)) {
        const facts = paired.coordination.facts();
        await materializeTakeover(
          this.deps.dir,
          { runner: paired.self.name, epoch: facts.leaseEpoch, seq },
          { vaultKey: paired.vaultKey, keyStore: this.deps.keyStore, marks: this.deps.marks, clock: this.deps.clock },
        );
      }
      this.state = 'active';
      await host.app.open();
      const problem = host.app.unattendedProblem;
      if (problem) throw new Error(`took over, but the vault did not open with this machine’s key: ${problem}`);
    } catch (error) {
      this.deps.logger.error('the takeover failed: the lease is handed back', { error: (error as Error).message });
      await paired.coordination.release().catch(() => false);
      if (Vault.exists(this.deps.dir)) await this.stopAndMoveAside();
      this.state = 'following';
      throw error;
    }
    this.deps.logger.warn('the primary is silent: this standby took over', { seq });
  }

  private async whileActive(): Promise<void> {
    const paired = this.paired!;
    const { coordination } = paired;
    // Removed by the owner (`standby rm`) while it runs: it stops at once and hands the lease back.
    // A bucket that cannot be read now is no removal: the lease step below decides.
    if ((await this.pair().catch(() => paired)) === null) {
      await coordination.release().catch(() => false);
      await this.stopAndMoveAside();
      this.state = 'removed';
      return;
    }
    const tick = await this.leaseStep(paired);
    // An unreachable bucket is no loss of the lease: the gate holds sends once it is stale. A lease
    // that still names this standby is renewed by the next step ('reclaim').
    if (coordination.holds() || tick.step === 'unreachable') return;
    if (coordination.facts().leaseHolder?.id === paired.self.id) return;
    await this.stopAndMoveAside();
  }

  /** Stops the scheduler (sends on the wire finish), closes the vault and moves its files aside. */
  private async stopAndMoveAside(): Promise<void> {
    const host = this.requireHost();
    await host.pauseScheduler();
    await host.app.close();
    await this.moveAside();
  }

  private async moveAside(): Promise<void> {
    this.paired?.checkins.detach();
    this.checkinsAttached = false;
    const aside = await moveTakenOverAside(this.deps.dir, this.deps.clock.now());
    this.state = 'following';
    this.deps.logger.warn('the lease is another runner’s: this standby stopped and follows again', { keptIn: aside });
  }

  private requireHost(): StandbyHost {
    if (!this.host) throw new Error('the standby runner has no vault host attached');
    return this.host;
  }

  /** Sign of life in the bucket, and the facts beside the vault for `afterword status`. */
  private async report(): Promise<void> {
    const { clock, dir, standby, logger } = this.deps;
    await writeStandbyAlive(this.store, clock, standby.config.fingerprint, this.state).catch((error: unknown) =>
      logger.debug('sign of life not written', { error: (error as Error).message }),
    );
    const { runner, ...facts } = this.facts();
    await writeRunnerFacts(dir, runner, clock.now(), this.pollEveryMs, facts).catch((error: unknown) =>
      logger.warn('runner facts not written', { error: (error as Error).message }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.polling;
    this.paired?.vaultKey.fill(0);
    this.store.close?.();
  }
}
