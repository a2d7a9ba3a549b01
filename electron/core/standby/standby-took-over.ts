import type { VaultServices } from '../services.js';
import type { RunnerCoordination } from './runner-coordination.js';

/**
 * A standby holds the lease: this computer sends nothing, and the owner must be told (status
 * problem STANDBY_TOOK_OVER). Kept in the vault, so that `afterword status` in another process
 * shows it too; cleared once this computer holds the lease again.
 */
export const STANDBY_TOOK_OVER_SETTING = 'standby.tookOver';

export interface StandbyTookOver {
  /** The runner holding the lease, as it names itself. */
  runner: string;
  runnerId: string;
  epoch: number;
  /** When it took the lease (its clock, for people). */
  since: number;
  /** The highest warning level this computer learned it sent, and when (its clock); null: none known. */
  warningLevel: number | null;
  warningAt: number | null;
}

export function readStandbyTookOver(services: VaultServices): StandbyTookOver | null {
  return services.settings.get<StandbyTookOver | null>(STANDBY_TOOK_OVER_SETTING) ?? null;
}

/** After a lease tick: note who holds the lease when it is another runner, or clear the note when it is us. */
export function noteLeaseHolder(services: VaultServices, coordination: RunnerCoordination): void {
  const current = readStandbyTookOver(services);
  if (coordination.holds()) {
    if (current) services.settings.set(STANDBY_TOOK_OVER_SETTING, null);
    return;
  }
  const record = coordination.leaseRecord();
  const holder = record?.holder;
  if (!record || !holder || holder.id === coordination.self.id) return;
  if (current?.runnerId === holder.id && current.epoch === record.epoch) return;
  const same = current?.runnerId === holder.id;
  const note: StandbyTookOver = {
    runner: holder.name,
    runnerId: holder.id,
    epoch: record.epoch,
    since: record.since ?? record.writtenAt,
    warningLevel: same ? current.warningLevel : null,
    warningAt: same ? current.warningAt : null,
  };
  services.settings.set(STANDBY_TOOK_OVER_SETTING, note);
}

/** A warning the runner holding the lease sent (learned from its claim's receipt). */
export function noteSentElsewhere(services: VaultServices, level: number, at: number): void {
  const current = readStandbyTookOver(services);
  if (!current || (current.warningLevel !== null && current.warningLevel >= level)) return;
  services.settings.set(STANDBY_TOOK_OVER_SETTING, { ...current, warningLevel: level, warningAt: at });
}
