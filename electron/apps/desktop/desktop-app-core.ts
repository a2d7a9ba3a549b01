import { AppCore } from '../../core/api/app-core.js';
import type { ScryptParams } from '../../core/crypto/kdf.js';
import { PromptNotifier } from '../../core/delivery/prompt-notifier.js';
import type { Clock } from '../../core/ports/clock.js';
import type { KeyStore } from '../../core/ports/key-store.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import type { Notifier } from '../../core/ports/notifier.js';
import { wirePrimaryCheckins, type PrimaryCheckins } from '../../core/standby/primary-checkins.js';

export interface DesktopAppCoreDeps {
  vaultDir: string;
  clock: Clock;
  /** The device key store (a LazyKeyStore over safeStorage in the app). */
  keyStore: KeyStore;
  /** Wraps the durable in-vault prompt (PromptNotifier) with the native one (TrayNotifier). */
  notifierFor(recorder: Notifier): Notifier;
  scrypt?: ScryptParams;
  /** Where this machine keeps each vault's high-water mark (a vault put back to an older copy is refused). */
  marks?: KeyStore;
}

/**
 * The desktop app's AppCore: desktop prompts are recorded in the vault first, then shown natively.
 * The recorder reads the vault through the AppCore it belongs to, hence the late binding. (Check-in
 * links in warnings come from AppCore itself, as for the runner.)
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
  // Check-ins made on a standby runner count here, and those made here reach it (see CheckinExchange).
  let checkins: PrimaryCheckins | null = null;
  app = new AppCore({
    vaultDir: deps.vaultDir,
    clock: deps.clock,
    keyStore: deps.keyStore,
    scrypt: deps.scrypt,
    marks: deps.marks,
    notifier: deps.notifierFor(recorder),
    objectStores: s3ObjectStores,
    engine: { beforePass: () => checkins?.beforePass() ?? Promise.resolve() },
  });
  checkins = wirePrimaryCheckins(app, { stores: s3ObjectStores, clock: deps.clock });
  return app;
}
