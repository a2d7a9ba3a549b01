// The audit-log checks of a scheduler pass (history breaks, attachment integrity) read what anyone
// who can write the vault file may have put there: they must never stop a tick or a drain.
import { afterEach, expect, it, vi } from 'vitest';
import { forgeAuditRow } from './test-support/forge-audit-row.js';
import { HISTORY_BROKEN_ACTION } from './audit/audit-log.js';
import { createEngine } from './engine.js';
import { bytesOf, createTestVault, type TestVault } from './test-support/vault-fixture.js';

let tv: TestVault | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await tv?.dispose();
  tv = null;
});

const lastTickAt = (vault: TestVault['vault']) =>
  (vault.db.sqlite.prepare('SELECT at FROM scheduler_ticks WHERE id = 1').get() as { at: number } | undefined)?.at;

it('a break row whose detail is null neither stops the pass nor goes untold: the owner is told, in words that say so', async () => {
  tv = await createTestVault({ prefix: 'afterword-engine-checks-' });
  const { services, clock, vault } = tv;
  const seq = forgeAuditRow(vault, HISTORY_BROKEN_ACTION, 'null');
  const engine = createEngine(services, { clock });
  const { tick } = await engine.runOnce('test');
  expect(tick).toBeDefined();
  expect(lastTickAt(vault)).toBe(clock.now());
  const notice = vault.db.sqlite
    .prepare(`SELECT status FROM outbox WHERE idempotency_key LIKE ? AND channel = 'desktop'`)
    .get(`notice:audit-break:${seq}:%`) as { status: string } | undefined;
  // Queued before the drain, so sent in the same pass.
  expect(notice).toEqual({ status: 'sent' });
  expect(vault.audit.verify()).toContainEqual({
    seq,
    problem: 'history was broken before this row (the record of the break is unreadable)',
  });
  await engine.close();
});

it('a failing integrity pass is reported after the tick and the drain were done', async () => {
  tv = await createTestVault({ prefix: 'afterword-engine-checks-' });
  const { services, clock, vault } = tv;
  const staged = await services.messages.attachments.stage(bytesOf(Buffer.alloc(1024, 1)), 'scan.pdf');
  services.messages.create({ title: 'T', body: 'b', attachments: [staged] });
  vi.spyOn(services.messages.attachments, 'fileProblem').mockImplementation(() => {
    throw new Error('disk gone');
  });
  const engine = createEngine(services, { clock });
  await expect(engine.runOnce('test')).rejects.toThrow('disk gone');
  expect(lastTickAt(vault)).toBe(clock.now());
  await engine.close();
});
