import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AppCore } from '../api/app-core.js';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { BucketTarget, ObjectStore, ObjectStoreFactory } from '../ports/object-store.js';
import type { VaultServices } from '../services.js';
import { CheckinExchange } from './checkin-exchange.js';
import { CHECKIN_EXCHANGE_FILE, fileExchangeState } from './checkin-exchange-state.js';
import { checkinVault } from './checkin-vault.js';
import type { RunnerIdentity } from './lease-record.js';
import { STANDBY_MEMBERS_SETTING } from './standby-service.js';
import { STANDBY_CONFIG_FILE } from './standby-files.js';
import type { RosterEntry } from './standby-layout.js';

/** How long the exchange may hold up a scheduler pass: past it, the pass goes on and the exchange finishes later. */
export const CHECKIN_PASS_BUDGET_MS = 15_000;

/** The primary as the other runners name it: one id per vault (its seq lives on in the bucket), the host for people. */
export const primaryRunner = (): RunnerIdentity => ({ id: 'primary', name: hostname() });

export interface PrimaryCheckinsOptions {
  stores: ObjectStoreFactory;
  clock: Clock;
  self?: RunnerIdentity;
  logger?: Logger;
  budgetMs?: number;
}

export interface PrimaryCheckins {
  /** EnginePorts.beforePass: one exchange pass; never throws, never holds the pass up past the budget. */
  beforePass(): Promise<void>;
  stop(): void;
}

interface Current {
  services: VaultServices;
  target: string;
  store: ObjectStore;
  exchange: CheckinExchange;
}

/**
 * The check-in exchange of the primary's `serve` (and any long-running primary): while the vault
 * is open, has a backup target and at least one paired standby, each scheduler pass first applies
 * the check-ins made on a standby and publishes the newest one made here (whatever made it: the
 * UI, `afterword checkin` in another process, a link, a token). A check-in made in this process is
 * published at once. Without a standby nothing is read or written: the vault runs as it always did.
 * The bucket's failures are logged once per kind and never stop a pass.
 */
export function wirePrimaryCheckins(app: AppCore, options: PrimaryCheckinsOptions): PrimaryCheckins {
  const { stores, clock, logger } = options;
  const self = options.self ?? primaryRunner();
  const budgetMs = options.budgetMs ?? CHECKIN_PASS_BUDGET_MS;
  let current: Current | null = null;
  let lastError: string | null = null;

  const drop = (): void => {
    current?.store.close?.();
    current = null;
  };

  const exchange = (): CheckinExchange | null => {
    let services: VaultServices;
    try {
      services = app.keyedServices();
    } catch {
      drop(); // locked, or closed: nothing to apply to
      return null;
    }
    const { settings, vault } = services;
    // A standby that took over runs this vault in its own folder, with an exchange of its own:
    // the primary's settings it copied must not make it publish as the primary.
    if (existsSync(join(vault.dir, STANDBY_CONFIG_FILE))) {
      drop();
      return null;
    }
    const target = settings.get<BucketTarget>(BACKUP_SETTINGS.target);
    const members = settings.get<RosterEntry[]>(STANDBY_MEMBERS_SETTING) ?? [];
    if (!target || members.length === 0) {
      drop();
      return null;
    }
    const where = JSON.stringify(target);
    if (current?.services === services && current.target === where) return current.exchange;
    drop();
    const store = stores(target);
    const { scheduler } = app.engineOrThrow();
    current = {
      services,
      target: where,
      store,
      exchange: new CheckinExchange({
        store,
        clock,
        keys: deriveBackupKeys(vault.contentKey.key, vault.vaultId),
        vaultId: vault.vaultId,
        self,
        role: 'primary',
        state: fileExchangeState(join(vault.dir, CHECKIN_EXCHANGE_FILE)),
        logger,
        ...checkinVault({ db: vault.db, audit: vault.audit, scheduler }),
      }),
    };
    return current.exchange;
  };

  const report = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    if (message === lastError) return;
    lastError = message;
    logger?.warn('check-ins could not be exchanged with the standby runners', { error: message });
  };
  const ran = (): void => {
    if (lastError !== null) logger?.info('check-ins are exchanged with the standby runners again');
    lastError = null;
  };

  const unsubscribe = app.events.subscribe((name, payload) => {
    if (name !== 'plan.stateChanged' || (payload as { reason: string }).reason !== 'checked in') return;
    try {
      exchange()?.publish().then(ran, report);
    } catch (error) {
      report(error);
    }
  });

  return {
    async beforePass() {
      let timer: NodeJS.Timeout | undefined;
      try {
        const pass = exchange()?.pass();
        if (!pass) return;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, budgetMs);
        });
        await Promise.race([pass.then(ran), late]);
        pass.catch(report);
      } catch (error) {
        report(error);
      } finally {
        clearTimeout(timer);
      }
    },
    stop() {
      unsubscribe();
      drop();
    },
  };
}
