/**
 * JavaScript source of a Koa middleware that gives s3rver (which stores every PUT, whatever its
 * If-Match / If-None-Match headers say) the conditional writes of AWS S3:
 * - `If-None-Match: *` on a key that has an object: 412 PreconditionFailed;
 * - `If-Match: "<etag>"` on an object whose ETag differs: 412 PreconditionFailed;
 * - `If-Match` on a key without an object: 404 NoSuchKey;
 * - a conditional PUT while another write to the same key is still under way: 409
 *   ConditionalRequestConflict (nothing written; the client looks again and retries).
 * Requests on one key pass one at a time (a per-key mutex, a GET held until its body is sent), so
 * the check and the write are atomic and a read never sees half a write, and a PUT is answered only
 * once its bytes are on disk (s3rver answers when it has read them): AWS's read-after-write.
 *
 * It is source text, not a module, because it runs in s3rver's child process (launched with
 * `node -e`, see s3rver-process.ts), which loads nothing of this project. Evaluated there to a
 * function `(S3Error, store) => middleware`, put in front of s3rver's own stack.
 */
export const CONDITIONAL_WRITES_MIDDLEWARE = `
(S3Error, store) => {
  const fs = require('fs');
  const crypto = require('crypto');
  const tails = new Map();
  const writing = new Map();
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
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const onDisk = async (bucket, key, etag) => {
    const file = store.getResourcePath(bucket, key, 'object');
    for (let i = 0; i < 2500; i++) {
      const bytes = await fs.promises.readFile(file).catch(() => null);
      if (bytes && crypto.createHash('md5').update(bytes).digest('hex') === etag) return;
      await sleep(2);
    }
  };
  const finished = (res) => new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) return resolve();
    res.once('finish', resolve);
    res.once('close', resolve);
  });
  return async (ctx, next) => {
    const match = /^\\/([^/]+)\\/(.+)$/.exec(ctx.path);
    const write = ['PUT', 'DELETE', 'POST'].includes(ctx.method);
    const read = ctx.method === 'GET' || ctx.method === 'HEAD';
    // Sub-resources (?uploadId, ?acl, ?tagging…) pass untouched; the SDK's own ?x-id=PutObject is no sub-resource.
    const subresource = Object.keys(ctx.query).some((name) => name !== 'x-id');
    if (!match || !(write || read) || subresource) return next();
    const bucket = decodeURIComponent(match[1]);
    const key = decodeURIComponent(match[2]);
    const lock = bucket + '/' + key;
    const ifMatch = ctx.get('if-match');
    const ifNoneMatch = ctx.get('if-none-match');
    const conditional = ctx.method === 'PUT' && Boolean(ifMatch || ifNoneMatch);
    if (conditional && writing.get(lock)) {
      throw refuse('ConditionalRequestConflict',
        'A conflicting conditional operation is currently in progress against this resource. Please try again.', 409);
    }
    if (write) writing.set(lock, (writing.get(lock) || 0) + 1);
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
      if (ctx.method === 'PUT' && ctx.status === 200 && ctx.response.get('ETag')) {
        await onDisk(bucket, key, unquoted(ctx.response.get('ETag')));
      }
    } finally {
      if (write) {
        const left = writing.get(lock) - 1;
        if (left) writing.set(lock, left);
        else writing.delete(lock);
      }
      const unlock = () => {
        release();
        if (tails.get(lock) === tail) tails.delete(lock);
      };
      // A GET's body is sent after the middleware returns: the key stays held until it is.
      if (read) finished(ctx.res).then(unlock);
      else unlock();
    }
  };
}
`;
