import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ContentKey } from '../crypto/envelope.js';
import { hkdfSha256 } from '../crypto/hkdf.js';
import type { VaultDb } from '../db/open-database.js';
import { FieldCipher } from '../repo/field-cipher.js';
import { isTotpShaped, newTotpSecret, totpStepOf, totpUri } from './totp.js';

/**
 * Kept as one sealed value in the settings table (bound to its key, like every setting): the
 * TOTP secret, the recovery codes as keyed hashes, and the last time step used (replay).
 */
interface SecondFactorRecord {
  secret: string;
  recoveryCodeHashes: string[];
  lastUsedStep: number;
  /** False while the UI waits for a first code from the authenticator app. */
  enabled: boolean;
}

export interface SecondFactorEnrolment {
  secret: string;
  uri: string;
  recoveryCodes: string[];
}

export interface SecondFactorStatus {
  enabled: boolean;
  /** Set up but not switched on yet: waiting for the first code. */
  pending: boolean;
  recoveryCodesLeft: number;
}

/** What a sign-in's code amounted to (`off`: no second factor is on, none was needed). */
export type SecondFactorVerdict = 'off' | 'totp' | 'recovery' | 'missing' | 'wrong';

export const RECOVERY_CODE_COUNT = 10;
const SETTING_KEY = 'mfa';
const CODE_ALPHABET = 'abcdefghjkmnpqrstvwxyz0123456789';
const OTP_LABEL = 'vault';

/** Lower case, no spaces or dashes: how a recovery code is compared, however it was typed. */
function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]!);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** The second factor for signing in over the network (the runner). Needs the vault key. */
export class SecondFactor {
  private readonly cipher: FieldCipher<'value'>;
  private readonly hashKey: Uint8Array;

  constructor(
    private readonly db: VaultDb,
    key: ContentKey,
    private readonly clock: Clock,
  ) {
    this.cipher = new FieldCipher(key, 'settings');
    this.hashKey = hkdfSha256(key.key, new Uint8Array(0), 'afterword/mfa-recovery-codes/v1');
  }

  status(): SecondFactorStatus {
    const record = this.read();
    return {
      enabled: record?.enabled === true,
      pending: record !== undefined && !record.enabled,
      recoveryCodesLeft: record?.enabled ? record.recoveryCodeHashes.length : 0,
    };
  }

  /**
   * A new secret and recovery codes, replacing any pending set-up. `enabled`: on at once (the CLI,
   * which shows everything in one go); otherwise it waits for confirm() with a first code.
   */
  enrol(audit: AuditLog, options: { enabled: boolean }): SecondFactorEnrolment {
    const secret = newTotpSecret();
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const record: SecondFactorRecord = {
      secret,
      recoveryCodeHashes: recoveryCodes.map((c) => this.hash(c)),
      lastUsedStep: 0,
      enabled: options.enabled,
    };
    this.db.q.transaction(() => {
      this.write(record);
      if (options.enabled) audit.append({ action: 'mfa.enabled', detail: { recoveryCodes: RECOVERY_CODE_COUNT } });
    });
    return { secret, uri: totpUri(secret, OTP_LABEL), recoveryCodes };
  }

  /** Switches a pending set-up on when `code` is the authenticator's current one. */
  confirm(audit: AuditLog, code: string): boolean {
    const record = this.read();
    if (!record || record.enabled) return false;
    const step = totpStepOf(record.secret, code.replace(/\s/g, ''), this.clock.now());
    if (step === null) return false;
    this.db.q.transaction(() => {
      this.write({ ...record, enabled: true, lastUsedStep: step });
      audit.append({
        action: 'mfa.enabled',
        detail: { recoveryCodes: record.recoveryCodeHashes.length, confirmed: true },
      });
    });
    return true;
  }

  disable(audit: AuditLog): void {
    const record = this.read();
    if (!record) return;
    this.db.q.transaction(() => {
      this.db.q.run(this.db.kysely.deleteFrom('settings').where('key', '=', SETTING_KEY));
      if (record.enabled) audit.append({ action: 'mfa.disabled' });
    });
  }

  /**
   * Checks a sign-in's code and uses it up: a TOTP code's time step must be later than the last
   * one used (a code seen over someone's shoulder cannot be replayed within its window); a
   * recovery code is removed.
   */
  consume(code: string | undefined): SecondFactorVerdict {
    const record = this.read();
    if (!record?.enabled) return 'off';
    const typed = code?.trim() ?? '';
    if (typed === '') return 'missing';
    if (isTotpShaped(typed.replace(/\s/g, ''))) {
      const step = totpStepOf(record.secret, typed.replace(/\s/g, ''), this.clock.now());
      if (step === null || step <= record.lastUsedStep) return 'wrong';
      this.write({ ...record, lastUsedStep: step });
      return 'totp';
    }
    const index = this.findRecoveryCode(record, typed);
    if (index < 0) return 'wrong';
    this.write({ ...record, recoveryCodeHashes: record.recoveryCodeHashes.filter((_, i) => i !== index) });
    return 'recovery';
  }

  private findRecoveryCode(record: SecondFactorRecord, typed: string): number {
    const hash = Buffer.from(this.hash(typed), 'hex');
    return record.recoveryCodeHashes.findIndex((stored) => timingSafeEqual(Buffer.from(stored, 'hex'), hash));
  }

  private hash(code: string): string {
    return createHmac('sha256', this.hashKey).update(normalizeRecoveryCode(code)).digest('hex');
  }

  private read(): SecondFactorRecord | undefined {
    const row = this.db.q.get(this.db.kysely.selectFrom('settings').selectAll().where('key', '=', SETTING_KEY));
    return row ? (JSON.parse(this.cipher.open('value', SETTING_KEY, row.value)) as SecondFactorRecord) : undefined;
  }

  private write(record: SecondFactorRecord): void {
    const sealed = this.cipher.seal('value', SETTING_KEY, JSON.stringify(record));
    const now = this.clock.now();
    this.db.q.run(
      this.db.kysely
        .insertInto('settings')
        .values({ key: SETTING_KEY, value: sealed, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: sealed, updated_at: now })),
    );
  }
}
