import type { VaultDb } from '../db/open-database.js';

export interface TestSendCounts {
  passed: number;
  failed: number;
  last: { at: number; ok: boolean; channel: string; kind: 'message' | 'channel' } | null;
}

/**
 * Tests the owner ran, apart from real deliveries: a message sent to themselves (an outbox row of
 * kind `test`; withdrawn counts as failed) and channel tests (their audit rows).
 */
export function readTestSends(db: VaultDb): TestSendCounts {
  const rows = db.q.all(
    db.kysely
      .selectFrom('outbox')
      .select(['status', 'channel', 'completed_at'])
      .where('kind', '=', 'test')
      .where('status', 'in', ['sent', 'failed', 'cancelled']),
  );
  type Test = NonNullable<TestSendCounts['last']>;
  const tests: Test[] = rows.map((r) => ({
    at: r.completed_at ?? 0,
    ok: r.status === 'sent',
    channel: r.channel,
    kind: 'message',
  }));
  const audits = db.q.all(
    db.kysely.selectFrom('audit_log').select(['at', 'detail']).where('action', '=', 'channel.tested'),
  );
  for (const a of audits) {
    const detail = JSON.parse(a.detail) as { channel?: unknown; ok?: unknown };
    tests.push({
      at: a.at,
      ok: detail.ok === true,
      channel: typeof detail.channel === 'string' ? detail.channel : '',
      kind: 'channel',
    });
  }
  const last = tests.reduce<TestSendCounts['last']>(
    (latest, t) => (latest === null || t.at >= latest.at ? t : latest),
    null,
  );
  return { passed: tests.filter((t) => t.ok).length, failed: tests.filter((t) => !t.ok).length, last };
}
