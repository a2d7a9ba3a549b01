import type { ErrorCode } from '../../shared/error-codes.js';
import type { WebhookUrlProblem } from '../../shared/webhook-url.js';

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

/**
 * A webhook URL that may not be used (shared/webhook-url.ts): `problem` is the stable reason the
 * UI words in the reader's language; the message says it in English, with what to do.
 */
export class WebhookUrlRefusedError extends AfterwordError {
  constructor(
    readonly problem: WebhookUrlProblem,
    message: string,
  ) {
    super('BAD_REQUEST', message);
  }
}

/** A plan level names a webhook (`webhook:NAME`) that is not set up: its warnings would go nowhere. */
export class PlanWebhookMissingError extends AfterwordError {
  constructor(
    readonly webhook: string,
    readonly level: number,
  ) {
    super(
      'BAD_REQUEST',
      `level ${level} warns through webhook:${webhook}, which is not set up: add it first (afterword channel webhook add --name ${webhook} --url URL, or under Channels) or choose another channel`,
    );
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

/** Who holds a vault's scheduler lock, as written in its lock file. */
export interface VaultHolder {
  program: string;
  pid: number;
  host: string;
  since: number;
  /** Whether its scheduler runs now (it has the vault key). */
  scheduling: boolean;
}

/** Another process already schedules and sends for this vault; two would send twice. */
export class VaultBusyError extends AfterwordError {
  constructor(readonly holder: VaultHolder) {
    super(
      'VAULT_BUSY',
      `this vault is already run by \`${holder.program}\` (pid ${holder.pid} on ${holder.host}, since ${new Date(holder.since).toISOString()}): use that one, or stop it first`,
    );
  }
}
