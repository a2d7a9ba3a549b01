import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { BucketTarget, ConditionalObjectStore, ObjectStoreFactory } from '../ports/object-store.js';
import type { GateDecision, SendGate } from '../ports/send-gate.js';
import type { VaultServices } from '../services.js';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import { Outbox } from '../delivery/outbox.js';
import type { LeaseTiming } from './lease-decision.js';
import type { RunnerIdentity } from './lease-record.js';
import { probeConditionalWrites } from './probe-conditional-writes.js';
import { RunnerCoordination } from './runner-coordination.js';
import { removeRunnerFacts, writeRunnerFacts, type StatusRunner } from './runner-facts-file.js';
import { STANDBY_MEMBERS_SETTING } from './standby-service.js';
import { noteLeaseHolder, noteSentElsewhere } from './standby-took-over.js';
import { HeldSendsNotice } from './held-sends-notice.js';

/** This machine's runner id for the vault, beside it (written once): the lease and claims name it. */
const RUNNER_ID_FILE = 'runner-id';
/** How often a bucket that could not be probed is tried again, at most. */
const RETRY_MS = 60_000;

const SEND: GateDecision = { send: true };
const HOLD: GateDecision = { send: false, hold: true };

export interface PrimaryRunnerDeps {
  services: VaultServices;
  stores: ObjectStoreFactory;
  clock: Clock;
  /** The vault's folder: runner-id and runner.json are kept there. */
  dir: string;
  /** This machine as people know it (its host name). */
  name: string;
  timing?: LeaseTiming;
  logger?: Logger;
}

type State =
  | 'alone' // no standby paired, or no bucket: this machine sends as it always did
  | 'unsupported' // the bucket ignores conditional writes: standby is refused there, this machine sends
  | 'deciding' // a standby is paired: nothing is sent until the lease is known
  | 'coordinating';

/**
 * The primary's side of a standby (the desktop app, `afterword serve`, and any command that
 * sends): while a standby is paired to the vault's bucket and the bucket honours conditional writes,
 * every send goes through a RunnerCoordination (role primary) and its lease is ticked before each
 * pass's drain and whenever its renewal is due during one. A vault without a standby is not
 * touched: the gate is not engaged, and the worker sends exactly as without it.
 */
export class PrimaryRunner {
  readonly gate: SendGate;
  private state: State | null = null;
  private coordination: RunnerCoordination | null = null;
  private store: ConditionalObjectStore | null = null;
  private lastTry: number | null = null;
  private lastTick: number | null = null;
  private stepping: Promise<void> | null = null;
  private readonly heldNotice: HeldSendsNotice;

  constructor(private readonly deps: PrimaryRunnerDeps) {
    this.heldNotice = new HeldSendsNotice({ clock: deps.clock, name: () => deps.name, services: () => deps.services });
    this.gate = {
      engaged: () => this.currentState() !== 'alone' && this.currentState() !== 'unsupported',
      beforeSend: (key) => this.beforeSend(key),
      afterSend: async (key) => this.coordination?.gate.afterSend(key),
    };
  }

  /** Before each pass's drain: the lease's tick (and the probe, the first time). Never throws. */
  async beforeDrain(): Promise<void> {
    if (this.state !== 'unsupported') this.state = null; // a standby added or removed since the last pass
    await this.step();
  }

  /** What status shows; null when this process does not coordinate (no standby, or not sent yet). */
  facts(): StatusRunner | null {
    return this.coordination?.facts() ?? null;
  }

  close(): void {
    this.store?.close?.();
    this.store = null;
  }

  private currentState(): State {
    if (this.coordination) return 'coordinating';
    if (this.state === null) {
      const paired = (this.deps.services.settings.get<unknown[]>(STANDBY_MEMBERS_SETTING) ?? []).length > 0;
      const target = this.deps.services.settings.get<BucketTarget>(BACKUP_SETTINGS.target);
      this.state = paired && target ? 'deciding' : 'alone';
    }
    return this.state;
  }

  private async beforeSend(key: string): Promise<GateDecision> {
    const state = this.currentState();
    if (state === 'alone' || state === 'unsupported') return SEND;
    // Telling the owner that sends are held must not be held itself: it goes to the owner only,
    // and the same notice from the other runner too is a repeat, never a false trigger.
    if (this.heldNotice.exempt(key)) return SEND;
    const now = this.deps.clock.monotonic();
    if (this.lastTick === null || now - this.lastTick >= (this.coordination?.timing.renewEveryMs ?? RETRY_MS)) {
      await this.step();
    }
    if (!this.coordination) return this.holdUnconfirmed();
    const decision = await this.coordination.gate.beforeSend(key);
    if ('sentElsewhere' in decision) this.noteElsewhere(key, decision.sentElsewhere);
    if (decision.send) this.heldNotice.sent();
    else if ('hold' in decision && !this.coordination.heldByAnother()) return this.holdUnconfirmed();
    return decision;
  }

  private holdUnconfirmed(): GateDecision {
    this.heldNotice.held();
    return HOLD;
  }

  /** One step at a time: the first probe, then lease ticks. */
  private step(): Promise<void> {
    this.stepping ??= this.stepOnce()
      .catch((error: unknown) => this.deps.logger?.warn('standby coordination failed', { error: String(error) }))
      .finally(() => {
        this.stepping = null;
      });
    return this.stepping;
  }

  private async stepOnce(): Promise<void> {
    const { clock, dir } = this.deps;
    const state = this.currentState();
    if (state === 'alone') {
      await removeRunnerFacts(dir);
      return;
    }
    if (state === 'unsupported') return;
    if (!this.coordination && !(await this.engage())) return;
    const coordination = this.coordination!;
    await coordination.tick();
    this.lastTick = clock.monotonic();
    noteLeaseHolder(this.deps.services, coordination);
    await writeRunnerFacts(dir, coordination.facts(), clock.now(), coordination.timing.renewEveryMs);
  }

  /** Probes the bucket and sets up the coordination; false while that cannot be done (tried again later). */
  private async engage(): Promise<boolean> {
    const { services, stores, clock, logger } = this.deps;
    const now = clock.monotonic();
    if (this.lastTry !== null && now - this.lastTry < RETRY_MS) return false;
    this.lastTry = now;
    const target = services.settings.get<BucketTarget>(BACKUP_SETTINGS.target)!;
    const store = stores(target);
    let probe: Awaited<ReturnType<typeof probeConditionalWrites>>;
    try {
      probe = await probeConditionalWrites(store);
    } catch (error) {
      store.close?.();
      logger?.warn('a standby is paired but the bucket cannot be reached: nothing is sent until it can', {
        error: (error as Error).message,
      });
      return false;
    }
    if (!probe.ok) {
      store.close?.();
      this.state = 'unsupported';
      logger?.warn('a standby is paired but the bucket ignores conditional writes: sending without it', {
        error: probe.error.message,
      });
      return false;
    }
    this.store = store as ConditionalObjectStore;
    const { vault } = services;
    this.coordination = new RunnerCoordination({
      store: this.store,
      clock,
      keys: deriveBackupKeys(vault.contentKey.key, vault.vaultId),
      vaultId: vault.vaultId,
      self: await this.self(),
      role: 'primary',
      timing: this.deps.timing,
      logger,
    });
    return true;
  }

  private async self(): Promise<RunnerIdentity> {
    const file = join(this.deps.dir, RUNNER_ID_FILE);
    let id = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (!/^run_[0-9a-f]{16}$/.test(id)) {
      id = `run_${randomBytes(8).toString('hex')}`;
      await writeFile(`${file}.tmp`, `${id}\n`, { mode: 0o600, flush: true });
      await rename(`${file}.tmp`, file);
    }
    return { id, name: this.deps.name };
  }

  private noteElsewhere(key: string, sent: { runner: string; at: number }): void {
    const { services, clock } = this.deps;
    const row = new Outbox(services.vault.db, clock).byKey(key);
    if (row?.kind === 'warning' && row.level !== null) noteSentElsewhere(services, row.level, sent.at);
  }
}
