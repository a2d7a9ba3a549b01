// Test helper: a runner of the check-in exchange over a real vault (its scheduler, its check-ins).
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Outbox } from '../../delivery/outbox.js';
import type { Logger } from '../../ports/logger.js';
import type { ObjectStore } from '../../ports/object-store.js';
import { Scheduler } from '../../schedule/scheduler.js';
import type { Vault } from '../../vault/vault.js';
import type { ManualClock } from '../../test-support/manual-clock.js';
import { createTestVault, type TestVault } from '../../test-support/vault-fixture.js';
import { CheckinExchange } from '../checkin-exchange.js';
import { fileExchangeState } from '../checkin-exchange-state.js';
import { checkinVault } from '../checkin-vault.js';
import type { LeaseHolder } from '../hand-back.js';
import type { StandbyKeys } from '../signed-object.js';

export interface ExchangeWorld {
  store: ObjectStore;
  keys: StandbyKeys;
  vaultId: string;
}

export interface CheckinRunner {
  exchange: CheckinExchange;
  scheduler: Scheduler;
  /** Every check-in row of the vault, oldest first. */
  checkins(): { id: number | null; at: number; source: string }[];
  /** The audit rows of an action, oldest first, detail parsed. */
  audited(action: string): { entityId: string | null; detail: Record<string, unknown> }[];
}

export const stateFileOf = (dir: string): string => join(dir, 'standby-checkins.json');

/** The runner `name` on `vault` (its state file in the vault's folder); no vault: a standby following. */
export function checkinRunner(
  world: ExchangeWorld,
  options: {
    name: string;
    role: 'primary' | 'standby';
    clock: ManualClock;
    vault?: Vault;
    stateDir: string;
    lease?: LeaseHolder;
    logger?: Logger;
  },
): CheckinRunner & { vault: Vault | undefined } {
  const { vault, clock } = options;
  const scheduler = vault
    ? new Scheduler({ db: vault.db, clock, audit: vault.audit, outbox: new Outbox(vault.db, clock) })
    : (null as unknown as Scheduler);
  const exchange = new CheckinExchange({
    ...world,
    clock,
    self: { id: `run_${options.name}`, name: options.name },
    role: options.role,
    state: fileExchangeState(stateFileOf(options.stateDir)),
    lease: options.lease,
    logger: options.logger,
    ...(vault ? checkinVault({ db: vault.db, audit: vault.audit, scheduler }) : {}),
  });
  return {
    vault,
    exchange,
    scheduler,
    checkins: () =>
      vault!.db.q.all(vault!.db.kysely.selectFrom('checkins').select(['id', 'at', 'source']).orderBy('id')),
    audited: (action) =>
      vault!.db.q
        .all(
          vault!.db.kysely
            .selectFrom('audit_log')
            .select(['entity_id', 'detail'])
            .where('action', '=', action)
            .orderBy('seq'),
        )
        .map((row) => ({ entityId: row.entity_id, detail: JSON.parse(row.detail) as Record<string, unknown> })),
  };
}

/** For a test file: what each test leaves to clean up, undone after it (last first). */
export function useCleanups(): (() => Promise<void>)[] {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}

/** A real vault whose default plan is armed (a message with a recipient), so a check-in moves it. */
export async function armedVault(clock: ManualClock, cleanups: (() => Promise<void>)[]): Promise<TestVault> {
  const tv = await createTestVault({ clock });
  cleanups.push(() => tv.dispose());
  const recipient = tv.services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
  tv.services.messages.create({ title: 't', body: 'b', recipientIds: [recipient.id] });
  return tv;
}

/** The primary `desk` on its own vault, its state beside the vault. */
export const deskRunner = (world: ExchangeWorld, clock: ManualClock, tv: TestVault) =>
  checkinRunner(world, { name: 'desk', role: 'primary', clock, vault: tv.vault, stateDir: tv.root });
