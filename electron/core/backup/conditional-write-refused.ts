import { AfterwordError } from '../errors.js';

/**
 * Why the bucket refused a conditional write:
 * - `exists`: If-None-Match: * and the key already has an object (HTTP 412);
 * - `changed`: If-Match and the object's ETag is another one now (HTTP 412);
 * - `missing`: If-Match and no object has the key (HTTP 404);
 * - `conflict`: another conditional write to the key was under way (HTTP 409
 *   ConditionalRequestConflict): nothing was written, look again before retrying.
 */
export type ConditionalRefusal = 'exists' | 'changed' | 'missing' | 'conflict';

/** The bucket did not write because the object was not in the state the write named. */
export class ConditionalWriteRefused extends AfterwordError {
  constructor(
    readonly key: string,
    readonly reason: ConditionalRefusal,
    readonly serverCode: string,
    options?: { cause?: unknown },
  ) {
    const why: Record<ConditionalRefusal, string> = {
      exists: 'an object already has this key',
      changed: 'the object was changed by someone else',
      missing: 'the object does not exist',
      conflict: 'another conditional write to it was under way',
    };
    super('CONFLICT', `the bucket refused the conditional write of ${key}: ${why[reason]} (${serverCode})`, options);
  }
}

/** Runs a conditional write: true when the bucket refused it, false when it was written (other failures throw). */
export async function wasRefused(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return false;
  } catch (error) {
    if (error instanceof ConditionalWriteRefused) return true;
    throw error;
  }
}
