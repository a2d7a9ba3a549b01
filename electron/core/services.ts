import type { Vault } from './vault/vault.js';
import type { Clock } from './ports/clock.js';
import { MessagesRepo } from './repo/messages.js';
import { RecipientsRepo } from './repo/recipients.js';
import { SettingsRepo } from './repo/settings.js';
import { PlansRepo } from './repo/plans.js';
import { WebhooksRepo } from './repo/webhooks.js';
import { TokensRepo } from './repo/tokens.js';
import { DraftsRepo } from './repo/drafts.js';
import type { RepoContext } from './repo/repo-context.js';

/** The content services of an unlocked vault, built once per unlock. */
export interface VaultServices {
  vault: Vault;
  clock: Clock;
  context: RepoContext;
  messages: MessagesRepo;
  recipients: RecipientsRepo;
  settings: SettingsRepo;
  plans: PlansRepo;
  webhooks: WebhooksRepo;
  tokens: TokensRepo;
  drafts: DraftsRepo;
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
    clock,
    context,
    messages: new MessagesRepo(context),
    recipients: new RecipientsRepo(context),
    settings: new SettingsRepo(context),
    plans: new PlansRepo(context),
    webhooks: new WebhooksRepo(context),
    tokens: new TokensRepo(context),
    drafts: new DraftsRepo(context),
  };
}
