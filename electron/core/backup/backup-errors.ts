import { AfterwordError, IntegrityError } from '../errors.js';

/** No target was set up for backups. */
export class BackupNotConfiguredError extends AfterwordError {
  constructor() {
    super(
      'BACKUP_NOT_CONFIGURED',
      'no backup target is set up: run `afterword backup target s3 --endpoint URL --bucket NAME` first',
    );
  }
}

/** The bucket refused a request or could not be reached; the message carries the server's answer. */
export class ObjectStoreError extends AfterwordError {
  constructor(
    readonly operation: string,
    readonly key: string,
    readonly serverCode: string,
    answer: string,
    options?: { cause?: unknown },
  ) {
    super('BACKUP_TARGET_FAILED', `the bucket refused ${operation} of ${key || 'the bucket'}: ${answer}`, options);
  }
}

/**
 * Something in the bucket is not what this vault wrote: a changed, missing or foreign object, a
 * manifest from another vault, or a bucket put back to an older state. Named, for `backup verify`
 * and `restore`, by what was found.
 */
export class BackupTamperedError extends IntegrityError {
  constructor(
    readonly problem: 'shard' | 'manifest' | 'rollback' | 'fork' | 'foreign' | 'missing' | 'identity',
    message: string,
  ) {
    super(message);
  }
}
