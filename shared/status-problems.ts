/**
 * Configuration that would make a warning or a delivery fail: `status.get → problems`. Each is a
 * stable code with its parameters (the UI words it in the reader's language) and an English
 * sentence for the CLI. Never rename a code; add new ones at the end.
 */
export const STATUS_PROBLEM_CODES = [
  /** A plan with active messages warns by e-mail, but no owner address is set. Params: plan, planId. */
  'OWNER_EMAIL_MISSING',
  /** A plan with active messages warns by e-mail, but no SMTP account is set. Params: plan, planId. */
  'PLAN_SMTP_MISSING',
  /** Active messages go to e-mail recipients, but no SMTP account is set. No params. */
  'RECIPIENTS_SMTP_MISSING',
  /** Plans are armed, but the scheduler has not run for two days. No params. */
  'SCHEDULER_STALE',
  /**
   * A plan with active messages warns through a webhook that is not set up (`webhook:NAME` for a
   * name that does not exist, or `webhook` with none at all): those warnings would not be sent.
   * Params: plan, planId, webhook (the name; '' for `webhook`).
   */
  'PLAN_WEBHOOK_MISSING',
  /**
   * The audit history was cut or rewritten: a keyed append found the chain's end no longer
   * matching its seal and recorded the break. Stays, since history cannot be put back.
   * Params: seq (the newest break's row), at (when it was found, ms).
   */
  'AUDIT_HISTORY_BROKEN',
  /**
   * The daily integrity pass found an attachment of a message not yet sent missing or damaged: it
   * would be left out of the delivery. Params: messageId, attachmentId.
   */
  'ATTACHMENT_DAMAGED',
  /**
   * The first run is not finished: the recovery key was never confirmed, or no owner address is
   * set (warnings by e-mail cannot reach the owner). Params: recoveryKeyConfirmed, ownerEmailSet
   * (1 or 0 each).
   */
  'SETUP_UNFINISHED',
  /**
   * A webhook (the owner's, or a recipient's) may reach loopback and private addresses only
   * because it existed before that check: nobody chose it. Sending goes on; the owner confirms or
   * withdraws it. Params: kind ('webhook' or 'recipient'), name (the webhook's name, or the recipient's id).
   */
  'PRIVATE_NETWORK_KEPT',
  /**
   * Automatic backups have failed for a day: the bucket holds only an older copy. Params: since
   * (the first failure, ms), error (the last failure's code and the server's answer).
   */
  'BACKUP_FAILING',
  /**
   * This vault is a copy restored from a backup, not resumed yet: its plans are paused and what it
   * had not sent is held until the owner runs `afterword resume`. Params: at (when it was
   * restored, ms), seq (the snapshot it came from).
   */
  'RESTORED_COPY_PAUSED',
  /**
   * A standby runner holds the lease: it took over warnings and deliveries while this computer was
   * silent, and this computer sends nothing until it has the lease back (checking in here hands it
   * back). Params: standby (its name), at (when it took over, its clock, ms), and when known
   * level (the highest warning it sent) and levelAt (when, its clock, ms).
   */
  'STANDBY_TOOK_OVER',
] as const;

export type StatusProblemCode = (typeof STATUS_PROBLEM_CODES)[number];

export interface StatusProblem {
  code: StatusProblemCode;
  params: Record<string, string | number>;
  /** The same in English, with the command that fixes it (what `afterword status` prints). */
  message: string;
}
