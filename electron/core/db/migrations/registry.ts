import type { Migration, MigrationProvider } from 'kysely';
import { migration0001Initial } from './0001-initial.js';
import { migration0002WarningEngine } from './0002-warning-engine.js';
import { migration0003ApiTokens } from './0003-api-tokens.js';
import { migration0004PromptKinds } from './0004-prompt-kinds.js';
import { migration0005OutboxSentJournal } from './0005-outbox-sent-journal.js';
import { migration0006Drafts } from './0006-drafts.js';
import { migration0007RecoveryGuard } from './0007-recovery-guard.js';
import { migration0008PrivateNetwork } from './0008-private-network.js';
import { migration0009OutboxHeld } from './0009-outbox-held.js';

/**
 * Every migration, statically imported (no filesystem scan, no eval), in order. Names sort
 * lexically; the number is also the schema version written to `PRAGMA user_version`.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': migration0001Initial,
  '0002-warning-engine': migration0002WarningEngine,
  '0003-api-tokens': migration0003ApiTokens,
  '0004-prompt-kinds': migration0004PromptKinds,
  '0005-outbox-sent-journal': migration0005OutboxSentJournal,
  '0006-drafts': migration0006Drafts,
  '0007-recovery-guard': migration0007RecoveryGuard,
  '0008-private-network': migration0008PrivateNetwork,
  '0009-outbox-held': migration0009OutboxHeld,
};

export const LATEST_SCHEMA_VERSION = Object.keys(MIGRATIONS).length;

export function staticMigrationProvider(migrations = MIGRATIONS): MigrationProvider {
  return { getMigrations: async () => ({ ...migrations }) };
}
