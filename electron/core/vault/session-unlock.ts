import { createHash } from 'node:crypto';
import { MINUTE_MS } from '../../../shared/durations.js';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError } from '../errors.js';
import type { WrapContext } from './key-wraps.js';
import type { KeyWrapStore } from './key-wrap-store.js';
import {
  MAX_SESSION_MS,
  SessionExpiredError,
  SessionInvalidError,
  openSessionRecord,
  sealSessionRecord,
  sessionEndReason,
  type SessionRecord,
  type SessionTimes,
} from './session-record.js';
import { auditKeyOf } from './vault-key-holder.js';

/** Written when `afterword unlock` begins a session (the password unlock before it is recorded too). */
export const SESSION_STARTED_ACTION = 'vault.session_started';

/** What the session part needs from the vault it belongs to. */
export interface SessionUnlockDeps {
  readonly audit: AuditLog;
  readonly wraps: KeyWrapStore;
  readonly ctx: WrapContext;
  /** The vault key in memory; throws VaultLockedError while locked. */
  vaultKey(): Uint8Array;
  /** Takes the vault key in from a session (recorded as an unlock by `session`). */
  unlock(key: Uint8Array, sessionId: string): Promise<void>;
  /** Records where the disk allows it (an unlock on a full disk still reads). */
  record(write: () => void): void;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * CLI sessions of one vault: `begin` seals a copy of the vault key under a new session key, `open`
 * takes it back in without the KDF. A session is bound to the key-wrap generation (the password and
 * recovery wraps as they are now): a password change, a recovery or a new recovery key ends every
 * session. A key that comes out of a record must also verify the audit log's seal, so a record
 * forged with some other key opens nothing.
 */
export class SessionUnlock {
  constructor(private readonly deps: SessionUnlockDeps) {}

  /** A digest of the password and recovery wraps: it changes with every new password or recovery key. */
  generation(): string {
    const hash = createHash('sha256').update('afterword/cli-session/generation/v1');
    for (const kind of ['password', 'recovery'] as const) {
      const row = this.deps.wraps.get(kind);
      hash.update(JSON.stringify([row.kind, row.kdf, row.params, hex(row.verifier), hex(row.wrapped_key)]));
    }
    return hash.digest('hex');
  }

  /** Needs the unlocked vault. `lengthMs`: one minute to MAX_SESSION_MS. */
  begin(sessionKey: Uint8Array, times: SessionTimes, lengthMs: number): SessionRecord {
    if (!Number.isSafeInteger(lengthMs) || lengthMs < MINUTE_MS || lengthMs > MAX_SESSION_MS) {
      throw new BadRequestError('a session lasts from one minute to one day');
    }
    const record = sealSessionRecord(this.deps.vaultKey(), sessionKey, {
      vaultId: this.deps.ctx.vaultId,
      generation: this.generation(),
      createdAt: times.now,
      expiresAt: times.now + lengthMs,
      monotonicAt: times.monotonic,
    });
    this.deps.record(() =>
      this.deps.audit.append({
        action: SESSION_STARTED_ACTION,
        detail: { session: record.sessionId, expiresAt: record.expiresAt },
      }),
    );
    return record;
  }

  /**
   * Unlocks with the record and the session key: SessionInvalidError for a record of another vault,
   * a wrong key or a changed record; SessionExpiredError once it is over (see sessionEndReason) or
   * the key-wrap generation moved on. Only an authenticated record's times are believed.
   */
  async open(record: SessionRecord, sessionKey: Uint8Array, times: SessionTimes): Promise<void> {
    if (record.vaultId !== this.deps.ctx.vaultId) throw new SessionInvalidError('it is a session of another vault');
    const key = openSessionRecord(record, sessionKey);
    try {
      const ended = sessionEndReason(record, times);
      if (ended) throw new SessionExpiredError(ended);
      if (record.generation !== this.generation()) {
        throw new SessionExpiredError('the password was changed, or the vault recovered, since it began');
      }
      if (!this.deps.audit.sealVerifiesWith(auditKeyOf(key, this.deps.ctx.vaultId))) {
        throw new SessionInvalidError("the key in its record is not this vault's");
      }
    } catch (error) {
      key.fill(0);
      throw error;
    }
    await this.deps.unlock(key, record.sessionId);
  }
}
