import type { MethodOutput } from '../../../shared/contract/methods.js';
import { readStatus } from '../schedule/status.js';
import type { VaultServices } from '../services.js';
import type { AppCore } from './app-core.js';

type StatusReport = MethodOutput<'status.get'>;

/** Every plan, the outbox, the last tick, and what the runner on this machine last said. */
export function statusReport(app: AppCore, services: VaultServices): StatusReport {
  return { ...readStatus(services, app.engineOrThrow().outbox, services.clock.now()), runner: app.runnerFacts() };
}

/** The status as the owner sees it (`status.get` for the owner, `afterword status`). */
export function ownerStatus(app: AppCore): StatusReport {
  return statusReport(app, app.unlockedServices());
}
