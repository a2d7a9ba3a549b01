import type { ObjectStore } from '../ports/object-store.js';

/**
 * The one place `standby init` asks whether the bucket honours conditional writes (If-None-Match,
 * If-Match): a standby's lease needs them, and a server that ignores them must be refused for
 * standby mode. The probe itself (probeConditionalWrites) comes with the lease; until it is here,
 * this lets every bucket through.
 */
export async function refuseWithoutConditionalWrites(_store: ObjectStore): Promise<void> {
  // SEAM: call probeConditionalWrites(store) here and refuse when it says the server ignores them.
}
