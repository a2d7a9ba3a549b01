/**
 * JavaScript source of a Koa middleware that gives s3rver (which stores every PUT, whatever its
 * If-Match / If-None-Match headers say) the conditional writes of AWS S3:
 * - `If-None-Match: *` on a key that has an object: 412 PreconditionFailed;
 * - `If-Match: "<etag>"` on an object whose ETag differs: 412 PreconditionFailed;
 * - `If-Match` on a key without an object: 404 NoSuchKey;
 * - a conditional PUT while another write to the same key is still under way: 409
 *   ConditionalRequestConflict (nothing written; the client looks again and retries).
 * Writes to one key pass one at a time (a per-key mutex), so the check and the write are atomic.
 *
 * It is source text, not a module, because it runs in s3rver's child process (launched with
 * `node -e`, see s3rver-process.ts), which loads nothing of this project. Evaluated there to a
 * function `(S3Error, store) => middleware`, put in front of s3rver's own stack.
 */
export const CONDITIONAL_WRITES_MIDDLEWARE = `
(S3Error, store) => {
  const tails = new Map();
  const refuse = (code, message, status) => {
    const error = new S3Error(code, message);
    error.status = status;
    error.expose = true;
    return error;
  };
  const stored = async (bucket, key) => {
    try {
      return await store.getMetadata(bucket, key);
    } catch (error) {
      if (error && error.code === 'ENOENT') return null;
      throw error;
    }
  };
  const unquoted = (etag) => String(etag).trim().replace(/^W\\//, '').replace(/"/g, '');
  return async (ctx, next) => {
    const match = /^\\/([^/]+)\\/(.+)$/.exec(ctx.path);
    const writes = ctx.method === 'PUT' || ctx.method === 'DELETE' || ctx.method === 'POST';
    // Sub-resources (?uploadId, ?acl, ?tagging…) pass untouched; the SDK's own ?x-id=PutObject is no sub-resource.
    const subresource = Object.keys(ctx.query).some((name) => name !== 'x-id');
    if (!match || !writes || subresource) return next();
    const bucket = decodeURIComponent(match[1]);
    const key = decodeURIComponent(match[2]);
    const lock = bucket + '/' + key;
    const ifMatch = ctx.get('if-match');
    const ifNoneMatch = ctx.get('if-none-match');
    const conditional = ctx.method === 'PUT' && Boolean(ifMatch || ifNoneMatch);
    if (conditional && tails.has(lock)) {
      throw refuse('ConditionalRequestConflict',
        'A conflicting conditional operation is currently in progress against this resource. Please try again.', 409);
    }
    const before = tails.get(lock) || Promise.resolve();
    let release;
    const mine = new Promise((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    tails.set(lock, tail);
    try {
      await before;
      if (conditional) {
        const current = await stored(bucket, key);
        if (ifNoneMatch && ifNoneMatch.trim() !== '*') {
          throw refuse('NotImplemented', 'If-None-Match on a write accepts only *', 501);
        }
        if (ifNoneMatch && current) {
          throw refuse('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
        }
        if (ifMatch && !current) throw refuse('NoSuchKey', 'The specified key does not exist.', 404);
        if (ifMatch && unquoted(ifMatch) !== unquoted(current.etag)) {
          throw refuse('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
        }
      }
      await next();
    } finally {
      release();
      if (tails.get(lock) === tail) tails.delete(lock);
    }
  };
}
`;
