import { AfterwordError } from '../errors.js';

/**
 * How a server showed that it cannot arbitrate between two machines:
 * - `ignores-if-none-match`: it stored a PUT with If-None-Match: * over an existing object;
 * - `ignores-if-match`: it stored a PUT whose If-Match named an ETag the object does not have;
 * - `refuses-if-match`: it refused a PUT whose If-Match named the object's own ETag;
 * - `no-etag`: it answers writes without an ETag, so there is nothing to name in If-Match;
 * - `no-conditional-api`: the store has no conditional operations at all.
 */
export type UnsupportedBehaviour =
  'ignores-if-none-match' | 'ignores-if-match' | 'refuses-if-match' | 'no-etag' | 'no-conditional-api';

const BEHAVIOUR: Record<UnsupportedBehaviour, string> = {
  'ignores-if-none-match':
    'the server accepted a PUT with If-None-Match: * over an existing object: it ignores conditional writes, so two machines could both send',
  'ignores-if-match':
    'the server accepted a PUT with If-Match naming an ETag the object does not have: it ignores conditional writes, so two machines could both send',
  'refuses-if-match':
    "the server refused a PUT with If-Match naming the object's own ETag: a lease could never be renewed",
  'no-etag': 'the server answered a write without an ETag: there is nothing a conditional write could name',
  'no-conditional-api': 'this bucket adapter cannot make conditional writes (If-None-Match / If-Match)',
};

/** The bucket cannot hold a lease and send claims: standby mode is refused (backups still work). */
export class StandbyUnsupportedServerError extends AfterwordError {
  constructor(
    readonly behaviour: UnsupportedBehaviour,
    where: string,
  ) {
    super(
      'STANDBY_UNSUPPORTED_SERVER',
      `standby needs a bucket that honours conditional writes, and ${where} does not: ${BEHAVIOUR[behaviour]}. Use a server that honours If-Match and If-None-Match on PUT (AWS S3 does); backups to this bucket still work`,
    );
  }
}
