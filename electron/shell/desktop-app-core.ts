import { AppCore } from '../core/api/app-core.js';
import type { ScryptParams } from '../core/crypto/kdf.js';
import { PromptNotifier } from '../node/prompt-notifier.js';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Notifier } from '../ports/notifier.js';
import { checkinLinkPort } from '../runner/checkin-links.js';

export interface DesktopAppCoreDeps {
  vaultDir: string;
  clock: Clock;
  /** The device key store (a LazyKeyStore over safeStorage in the app). */
  keyStore: KeyStore;
  /** Wraps the durable in-vault prompt (PromptNotifier) with the native one (TrayNotifier). */
  notifierFor(recorder: Notifier): Notifier;
  scrypt?: ScryptParams;
}

/**
 * The desktop app's AppCore, built like the runner's (runner/runner-app-core.ts): warnings carry a
 * signed one-time check-in link when the vault's publicUrl setting names a runner, and desktop
 * prompts are recorded in the vault first, then shown natively. Both ports read the vault through
 * the AppCore they belong to, hence the late binding.
 */
export function createDesktopAppCore(deps: DesktopAppCoreDeps): AppCore {
  let app: AppCore | null = null;
  const current = (): AppCore => {
    if (!app) throw new Error('the AppCore is not built yet');
    return app;
  };
  const recorder: Notifier = {
    notify: (prompt) => new PromptNotifier(current().vaultOrThrow().db, deps.clock).notify(prompt),
  };
  app = new AppCore({
    vaultDir: deps.vaultDir,
    clock: deps.clock,
    keyStore: deps.keyStore,
    scrypt: deps.scrypt,
    notifier: deps.notifierFor(recorder),
    engine: { checkinLink: checkinLinkPort(() => current().keyedServices()) },
  });
  return app;
}
