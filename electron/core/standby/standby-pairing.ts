import { join } from 'node:path';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Logger } from '../ports/logger.js';
import { isConditionalObjectStore, type ObjectStore } from '../ports/object-store.js';
import { CheckinExchange } from './checkin-exchange.js';
import { CHECKIN_EXCHANGE_FILE, fileExchangeState } from './checkin-exchange-state.js';
import type { LeaseTiming } from './lease-decision.js';
import type { RunnerIdentity } from './lease-record.js';
import { RunnerCoordination } from './runner-coordination.js';
import { SnapshotFollower } from './snapshot-follower.js';
import type { PairingPin, UnwrappedPairing } from './standby-unwrap.js';
import { followDir } from './takeover-vault.js';

/** What a paired standby works with: the vault key, and the parts that follow, coordinate and exchange check-ins. */
export interface Paired {
  vaultKey: Uint8Array;
  /** What the bucket named at the first unwrap: a bucket that names another vault later is refused. */
  pin: PairingPin;
  self: RunnerIdentity;
  coordination: RunnerCoordination;
  follower: SnapshotFollower;
  /** Check-ins made on the other runners (and, once it runs the vault, its own to publish). */
  checkins: CheckinExchange;
}

export interface PairedDeps {
  store: ObjectStore;
  clock: Clock;
  logger: Logger;
  /** The standby's folder: `follow/` and the check-in exchange's state go there. */
  dir: string;
  marks?: KeyStore;
  timing: LeaseTiming;
}

/** A standby's parts once its pairing unwrapped: it is known to the others by its fingerprint and the name the primary gave it. */
export function pairedParts(pairing: UnwrappedPairing, deps: PairedDeps): Paired {
  const { vaultKey, vaultId, publicKey, name, fingerprint } = pairing;
  const { store, clock, logger, dir, marks, timing } = deps;
  if (!isConditionalObjectStore(store)) throw new Error('the bucket adapter cannot make conditional writes');
  const self = { id: fingerprint, name };
  const keys = deriveBackupKeys(vaultKey, vaultId);
  const coordination = new RunnerCoordination({ store, clock, keys, vaultId, self, role: 'standby', timing, logger });
  const follower = new SnapshotFollower({ store, vaultKey, vaultId, dir: followDir(dir), clock, logger, marks });
  const checkins = new CheckinExchange({
    store,
    clock,
    keys,
    vaultId,
    self,
    role: 'standby',
    state: fileExchangeState(join(dir, CHECKIN_EXCHANGE_FILE)),
    lease: coordination,
    logger,
  });
  return { vaultKey, pin: { vaultId, publicKey }, self, coordination, follower, checkins };
}
