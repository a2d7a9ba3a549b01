import type { PromptKind } from '../../../shared/prompt-kinds.js';
import type { Generated } from 'kysely';

/**
 * The vault database as kysely sees it. Columns typed `Uint8Array` hold encrypted envelopes
 * (see crypto/envelope.ts); everything else is metadata that stays readable without the key.
 * Times are integer milliseconds since the Unix epoch.
 */
export interface VaultDatabase {
  vault_info: VaultInfoTable;
  key_wraps: KeyWrapsTable;
  unlock_guard: UnlockGuardTable;
  recovery_guard: UnlockGuardTable;
  recipients: RecipientsTable;
  warning_plans: WarningPlansTable;
  messages: MessagesTable;
  message_recipients: MessageRecipientsTable;
  attachments: AttachmentsTable;
  plan_state: PlanStateTable;
  plan_events: PlanEventsTable;
  checkins: CheckinsTable;
  outbox: OutboxTable;
  delivery_attempts: DeliveryAttemptsTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  audit_seal: AuditSealTable;
  webhooks: WebhooksTable;
  desktop_prompts: DesktopPromptsTable;
  scheduler_ticks: SchedulerTicksTable;
  api_tokens: ApiTokensTable;
  used_checkin_links: UsedCheckinLinksTable;
  outbox_sent_journal: OutboxSentJournalTable;
  drafts: DraftsTable;
}

export interface VaultInfoTable {
  id: number;
  vault_id: string;
  key_id: Uint8Array;
  created_at: number;
  created_by_version: string;
}

export type KeyWrapKind = 'password' | 'recovery' | 'device';

export interface KeyWrapsTable {
  kind: KeyWrapKind;
  /** How the key-encryption key is derived: 'scrypt', 'hkdf-sha256' or 'keystore'. */
  kdf: string;
  /** JSON: salt (hex), KDF parameters, key-store backend. Not secret. */
  params: string;
  /** Proves the key-encryption key is right before the wrap is opened (wrong secret ≠ tampering). */
  verifier: Uint8Array;
  wrapped_key: Uint8Array;
  created_at: number;
}

export interface UnlockGuardTable {
  id: number;
  failures: number;
  last_failure_at: number | null;
}

export type RecipientType = 'email' | 'webhook';

export interface RecipientsTable {
  id: string;
  type: RecipientType;
  name: Uint8Array;
  contact: Uint8Array;
  created_at: number;
  updated_at: number;
  /** Webhook recipients: as webhooks.allow_private_network. */
  allow_private_network: Generated<number>;
  /** As webhooks.private_network_kept. */
  private_network_kept: Generated<number>;
}

export interface WarningPlansTable {
  id: string;
  name: Uint8Array;
  interval_ms: number;
  /** JSON array of exactly five `{ waitMs, channels[] }`. Structure only; no user content. */
  levels: string;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export type MessageStatus = 'draft' | 'active' | 'paused' | 'sent';

export interface MessagesTable {
  id: string;
  title: Uint8Array;
  body_text: Uint8Array;
  body_html: Uint8Array | null;
  status: MessageStatus;
  plan_id: string | null;
  delivery_delay_ms: number;
  created_at: number;
  updated_at: number;
}

export interface MessageRecipientsTable {
  message_id: string;
  recipient_id: string;
}

export interface AttachmentsTable {
  id: string;
  message_id: string;
  name: Uint8Array;
  media_type: Uint8Array;
  size: number;
  stored_size: number;
  created_at: number;
}

export type PlanStateName =
  'created' | 'scheduled' | 'warning' | 'waiting' | 'triggered' | 'sent' | 'paused' | 'stopped';

export interface PlanStateTable {
  plan_id: string;
  state: PlanStateName;
  level: number;
  armed_at: number | null;
  last_checkin_at: number | null;
  level_issued_at: number | null;
  next_action_at: number | null;
  paused_until: number | null;
  updated_at: number;
  cycle: number;
  wait_from: number | null;
}

export interface PlanEventsTable {
  id: number | null;
  plan_id: string;
  at: number;
  from_state: string;
  to_state: string;
  level: number;
  reason: string;
}

export interface CheckinsTable {
  id: number | null;
  at: number;
  source: string;
}

export type OutboxKind = 'warning' | 'delivery' | 'notice' | 'test';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface OutboxTable {
  id: string;
  kind: OutboxKind;
  plan_id: string | null;
  message_id: string | null;
  recipient_id: string | null;
  channel: string;
  level: number | null;
  cycle: number | null;
  payload: Uint8Array | null;
  idempotency_key: string;
  status: OutboxStatus;
  attempts: number;
  not_before: number;
  next_attempt_at: number;
  /** 1 while a restored copy keeps the row back (see Outbox.holdUnsent); a Generated default. */
  held: Generated<number>;
  first_attempt_at: number | null;
  completed_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveryAttemptsTable {
  id: number | null;
  outbox_id: string;
  at: number;
  outcome: 'sent' | 'retry' | 'failed';
  error_code: string | null;
  response: string | null;
}

/** An autosaved message draft: `slot` is `new` or the message id; `content` is encrypted JSON. */
export interface DraftsTable {
  slot: string;
  content: Uint8Array;
  updated_at: number;
}

export interface SettingsTable {
  key: string;
  value: Uint8Array;
  updated_at: number;
}

export interface AuditLogTable {
  seq: number;
  at: number;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  /** JSON with non-secret facts only (ids, field names, counts) — never plaintext content. */
  detail: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

export interface AuditSealTable {
  id: number;
  seq: number;
  hash: Uint8Array;
  mac: Uint8Array;
}

export interface WebhooksTable {
  id: string;
  name: string;
  url: Uint8Array;
  secret: Uint8Array;
  created_at: number;
  /** 1: may reach loopback and private addresses (the owner said it is on their own network). */
  allow_private_network: Generated<number>;
  /** 1: allowed by migration 0008 for a webhook that existed before the check (not chosen by the owner). */
  private_network_kept: Generated<number>;
}

export interface DesktopPromptsTable {
  id: number | null;
  plan_id: string | null;
  level: number;
  at: number;
  answered_at: number | null;
  /** Since migration 0004. */
  kind: PromptKind;
}

/** Sends the relay accepted that the worker has not recorded in full yet (migration 0005). */
export interface OutboxSentJournalTable {
  outbox_id: string;
  at: number;
  response: string;
}

export interface SchedulerTicksTable {
  id: number;
  at: number;
  source: string;
  transitions: number;
}

export interface ApiTokensTable {
  id: string;
  role: 'checkin' | 'monitor';
  label: Uint8Array;
  token_hash: Uint8Array;
  created_at: number;
  last_used_at: number | null;
}

export interface UsedCheckinLinksTable {
  link_id: string;
  used_at: number;
  expires_at: number;
}
