import type { DrainReport } from './delivery/outbox-worker.js';
import type { Engine } from './engine.js';
import type { VaultServices } from './services.js';

export interface TestSendResult {
  drain: DrainReport;
  /** sent: accepted by the relay; elsewhere: another Afterword process (the app, a runner) took it and is sending it; failed: not sent. */
  state: 'sent' | 'elsewhere' | 'failed';
  /** Why it was not sent (the row's last error), for `failed`. */
  error: string | null;
}

/**
 * Sends a message to the owner only, now, and says what became of this very send. A test that did
 * not go out is withdrawn rather than retried on a later tick behind the owner's back: they run it
 * again once the problem is fixed.
 */
export async function sendTestToOwner(
  engine: Engine,
  services: VaultServices,
  messageId: string,
): Promise<TestSendResult> {
  services.messages.get(messageId); // NotFoundError for an unknown id
  const idempotencyKey = `test-send:${messageId}:${services.clock.now()}`;
  services.vault.db.q.transaction(() =>
    engine.outbox.enqueue({ kind: 'test', channel: 'email', messageId, idempotencyKey }),
  );
  const drain = await engine.worker.drain();
  // This send's own row: the drain may have sent (or failed) other rows too.
  const row = engine.outbox.byKey(idempotencyKey);
  if (row?.status === 'sent') return { drain, state: 'sent', error: null };
  if (row?.status === 'sending') return { drain, state: 'elsewhere', error: null };
  const withdrawn = row ? engine.outbox.cancelIfPending(row.id) : false;
  const error = row?.last_error ?? 'not sent';
  if (row && withdrawn) {
    // A retrying row leaves no audit row of its own: the history says this test did not go out.
    const detail = {
      kind: 'test',
      channel: row.channel,
      attempts: row.attempts,
      errorCode: error.split(':')[0] ?? 'NOT_SENT',
      withdrawn: true,
    };
    services.vault.db.q.transaction(() =>
      services.vault.audit.append({ action: 'outbox.failed', entityType: 'outbox', entityId: row.id, detail }),
    );
  }
  return {
    drain,
    state: 'failed',
    error: withdrawn ? `${error} (not retried: send the test again once this is fixed)` : error,
  };
}
