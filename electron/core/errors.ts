import type { ErrorCode } from '../../shared/error-codes.js';

/** Base of every error the core throws on purpose. `code` is what crosses the boundary. */
export class AfterwordError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AfterwordError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

export class ConflictError extends AfterwordError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class NotFoundError extends AfterwordError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} does not exist`);
  }
}

/** Something stored was modified or corrupted: a ciphertext, a blob, a key wrap, the audit chain. */
export class IntegrityError extends AfterwordError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTEGRITY', message, options);
  }
}
