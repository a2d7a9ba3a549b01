import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { STANDBY_ALIVE_PREFIX, STANDBY_FORMAT, standbyAliveKey, type StandbyAlive } from './standby-layout.js';

/** A standby says it is there: `standby init` writes the first one, `serve --standby` refreshes it. */
export async function writeStandbyAlive(
  store: ObjectStore,
  clock: Clock,
  fingerprint: string,
  state = 'paired-waiting',
): Promise<void> {
  const alive: StandbyAlive = { format: STANDBY_FORMAT, fingerprint, at: clock.now(), state };
  await store.put(standbyAliveKey(fingerprint), new TextEncoder().encode(JSON.stringify(alive)));
}

/**
 * Each standby's last sign of life by fingerprint: when the server stored it (ms since the epoch).
 * The server's time, not the standby's: a standby with a wrong clock must not look alive or gone.
 */
export async function readStandbyAlive(store: ObjectStore): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for await (const object of store.list(STANDBY_ALIVE_PREFIX)) {
    seen.set(object.key.slice(STANDBY_ALIVE_PREFIX.length), object.lastModified);
  }
  return seen;
}
