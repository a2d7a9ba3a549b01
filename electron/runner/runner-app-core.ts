import { AppCore, type AppCoreDeps } from '../core/api/app-core.js';
import { checkinLinkPort } from './checkin-links.js';

/**
 * An AppCore whose engine signs a one-time check-in link into each warning (under the publicUrl
 * setting). The port reads the vault through the AppCore it belongs to, hence this small factory.
 */
export function createRunnerAppCore(deps: AppCoreDeps): AppCore {
  let app: AppCore | null = null;
  const checkinLink = checkinLinkPort(() => {
    if (!app) throw new Error('the AppCore is not built yet');
    return app.keyedServices();
  });
  app = new AppCore({ ...deps, engine: { checkinLink, ...deps.engine } });
  return app;
}
