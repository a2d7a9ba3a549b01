import type { Vault } from './vault/vault.js';
import type { Clock } from '../ports/clock.js';
import { MessagesRepo } from './repo/messages.js';
import { RecipientsRepo } from './repo/recipients.js';
import { SettingsRepo } from './repo/settings.js';
import type { RepoContext } from './repo/repo-context.js';

/** The content services of an unlocked vault, built once per unlock. */
export interface VaultServices {
  vault: Vault;
  context: RepoContext;
  messages: MessagesRepo;
  recipients: RecipientsRepo;
  settings: SettingsRepo;
}

export function createVaultServices(vault: Vault, clock: Clock): VaultServices {
  const context: RepoContext = {
    db: vault.db,
    key: vault.contentKey,
    clock,
    audit: vault.audit,
    blobsDir: vault.blobsDir,
  };
  return {
    vault,
    context,
    messages: new MessagesRepo(context),
    recipients: new RecipientsRepo(context),
    settings: new SettingsRepo(context),
  };
}
