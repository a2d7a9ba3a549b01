import { randomBytes } from 'node:crypto';
import { wasRefused } from '../backup/conditional-write-refused.js';
import { isConditionalObjectStore, type ObjectStore } from '../ports/object-store.js';
import { StandbyUnsupportedServerError, type UnsupportedBehaviour } from './standby-errors.js';

export const PROBE_PREFIX = 'standby/probe/';

export type ProbeResult = { ok: true } | { ok: false; error: StandbyUnsupportedServerError };

/** A write's ETag that no object has: 32 hex digits, like an MD5 ETag, but all zeros. */
const NO_SUCH_ETAG = '"00000000000000000000000000000000"';

const note = (text: string): Uint8Array => new TextEncoder().encode(`afterword standby probe: ${text}\n`);

/**
 * Whether the bucket's server honours conditional writes, tried on an object of its own under
 * `standby/probe/<random>`: two writes that must be refused (If-None-Match: * on it, If-Match with
 * an ETag it does not have) and one that must succeed (If-Match with its own ETag); then the object
 * is deleted. Servers such as s3rver or Garage store every PUT whatever its conditions say: with
 * them two machines could both take the lease and both send, so standby is refused.
 * A bucket that cannot be reached throws ObjectStoreError: nothing is known then.
 */
export async function probeConditionalWrites(store: ObjectStore): Promise<ProbeResult> {
  const refuse = (behaviour: UnsupportedBehaviour): ProbeResult => ({
    ok: false,
    error: new StandbyUnsupportedServerError(behaviour, store.where),
  });
  if (!isConditionalObjectStore(store)) return refuse('no-conditional-api');
  const key = `${PROBE_PREFIX}${randomBytes(12).toString('hex')}`;
  try {
    const etag = await store.putIfAbsent(key, note('created'));
    if (!etag) return refuse('no-etag');
    if (!(await wasRefused(() => store.putIfAbsent(key, note('created again')))))
      return refuse('ignores-if-none-match');
    if (!(await wasRefused(() => store.putIfMatch(key, note('replaced blindly'), NO_SUCH_ETAG)))) {
      return refuse('ignores-if-match');
    }
    if (await wasRefused(() => store.putIfMatch(key, note('replaced'), etag))) return refuse('refuses-if-match');
    return { ok: true };
  } finally {
    // A probe object left behind (the bucket went away mid-probe) is a few bytes nobody reads.
    await store.delete(key).catch(() => undefined);
  }
}
