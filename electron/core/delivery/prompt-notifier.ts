import type { VaultDb } from '../db/open-database.js';
import type { Clock } from '../ports/clock.js';
import type { DesktopPrompt, Notifier } from '../ports/notifier.js';

/**
 * The headless notifier: records an in-app prompt that `afterword status` and the UI show until
 * the next check-in. The Electron shell adds a native notification and the tray on top.
 */
export class PromptNotifier implements Notifier {
  constructor(
    private readonly db: VaultDb,
    private readonly clock: Clock,
  ) {}

  async notify(prompt: DesktopPrompt): Promise<void> {
    this.db.q.run(
      this.db.kysely.insertInto('desktop_prompts').values({
        id: null,
        plan_id: prompt.planId,
        level: prompt.level,
        at: this.clock.now(),
        answered_at: null,
        kind: prompt.kind,
      }),
    );
  }
}
