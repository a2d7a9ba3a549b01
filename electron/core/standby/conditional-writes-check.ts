import type { ObjectStore } from '../ports/object-store.js';
import { probeConditionalWrites } from './probe-conditional-writes.js';

/**
 * The one place `standby init` asks whether the bucket honours conditional writes (If-None-Match,
 * If-Match): a standby's lease and send claims need them, and with a server that ignores them two
 * machines could both send, so standby mode is refused there (backups to it still work).
 */
export async function refuseWithoutConditionalWrites(store: ObjectStore): Promise<void> {
  const probe = await probeConditionalWrites(store);
  if (!probe.ok) throw probe.error;
}
