import { idSchema } from '../../../shared/contract/dto.js';
import { NotFoundError } from '../../core/errors.js';

/**
 * An id for the router, which refuses a malformed one as BAD_REQUEST. An id in that shape never
 * names anything, so the CLI reports it as before: `<what> <id> does not exist`, exit 4.
 */
export function existingId(what: string, id: string): string {
  if (!idSchema().safeParse(id).success) throw new NotFoundError(what, id);
  return id;
}
