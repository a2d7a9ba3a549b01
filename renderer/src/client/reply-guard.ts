import type { Reply } from '../../../shared/contract/reply.js';
import { isErrorCode } from '../../../shared/error-codes.js';

/**
 * Checks the outer shape of a reply that came off the wire (the payload itself is trusted: it
 * was produced by the router from the same contract). Anything else becomes an INTERNAL error.
 */
export function asReply(value: unknown): Reply<unknown> {
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (v.ok === true && 'data' in v) return { ok: true, data: v.data };
    if (v.ok === false && isErrorCode(v.code) && typeof v.message === 'string') {
      return { ok: false, code: v.code, message: v.message };
    }
  }
  return { ok: false, code: 'INTERNAL', message: 'the reply did not have the expected shape' };
}
