import type { Clock } from '../ports/clock.js';
import type { VaultServices } from '../services.js';
import { Outbox } from '../delivery/outbox.js';
import { enqueueOwnerNotice } from '../delivery/owner-notices.js';

/** Sends held this long because the lease cannot be confirmed: the owner is told. */
export const HELD_NOTICE_AFTER_MS = 15 * 60_000;
/** The owner's notice about it: the one send a gate lets through without the lease. */
export const HELD_NOTICE_PREFIX = 'standby-unreachable';

export interface HeldSendsNoticeDeps {
  clock: Clock;
  /** This machine as people know it. */
  name: () => string;
  /** The vault the sends are held in (null while there is none open). */
  services: () => VaultServices | null;
}

/**
 * Sends held because this runner cannot confirm its lease (the bucket unreachable, or its renewal
 * refused for no one else) must not be silent: after HELD_NOTICE_AFTER_MS the owner is told, once
 * per outage, by a notice the gate lets through (it goes to the owner only; the same notice from
 * the other runner is a repeat, never a false trigger). Used by the primary's and the standby's gate.
 */
export class HeldSendsNotice {
  private heldSince: number | null = null;
  private told = false;

  constructor(private readonly deps: HeldSendsNoticeDeps) {}

  /** The notice itself: sent without the lease. */
  exempt(idempotencyKey: string): boolean {
    return idempotencyKey.startsWith(`notice:${HELD_NOTICE_PREFIX}:`);
  }

  /** A send went out: the outage, if any, is over. */
  sent(): void {
    this.heldSince = null;
  }

  /** A send was held for want of a confirmed lease. */
  held(): void {
    const { clock } = this.deps;
    const now = clock.now();
    if (this.heldSince === null) {
      this.heldSince = now;
      this.told = false;
    }
    const services = this.deps.services();
    if (this.told || now - this.heldSince < HELD_NOTICE_AFTER_MS || !services) return;
    this.told = true;
    const { db, contentKey } = services.vault;
    enqueueOwnerNotice(
      { db, key: contentKey, outbox: new Outbox(db, clock) },
      {
        id: `${HELD_NOTICE_PREFIX}:${this.heldSince}`,
        subject: 'Afterword is holding warnings: it cannot reach the bucket it shares with your standby',
        text: `Afterword on ${this.deps.name()} has warnings or deliveries due but cannot reach the backup bucket since ${new Date(this.heldSince).toISOString()}, so it cannot make sure that the other computer does not send them too. It holds them until it reaches the bucket again; the other computer, if it can reach the bucket, takes over once this one's lease has run out. Check this computer's network and the bucket, or check in if you are fine.`,
      },
    );
  }
}
