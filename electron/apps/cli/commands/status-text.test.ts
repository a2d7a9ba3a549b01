import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../core/engine.js';
import { enqueueOwnerNotice } from '../../../core/delivery/owner-notices.js';
import { readStatus } from '../../../core/schedule/status.js';
import { createTestVault, type TestVault } from '../../../core/test-support/vault-fixture.js';
import { ALONE, type StatusRunner } from '../../../core/standby/runner-facts-file.js';
import { inWords, renderStatus } from './status-text.js';

const vaults: TestVault[] = [];
afterEach(async () => {
  for (const tv of vaults.splice(0)) await tv.dispose();
});

type Prepare = (tv: TestVault, engine: ReturnType<typeof createEngine>) => void;

async function statusText(prepare: Prepare, runner: StatusRunner = ALONE): Promise<string> {
  const tv = await createTestVault({ prefix: 'aw-status-text-' });
  vaults.push(tv);
  const engine = createEngine(tv.services, { clock: tv.clock });
  prepare(tv, engine);
  return renderStatus(inWords({ ...readStatus(tv.services, engine.outbox, tv.clock.now()), runner }));
}

const holdANotice: Prepare = (tv, engine) => {
  const deps = { db: tv.vault.db, key: tv.vault.contentKey, outbox: engine.outbox };
  enqueueOwnerNotice(deps, { id: 'held-test', subject: 'S', text: 'T' });
  engine.outbox.holdUnsent();
};

describe('afterword status in words', () => {
  it('says who sends when a standby is paired, and nothing of it without one', async () => {
    expect(await statusText(() => undefined)).not.toContain('Runner:');
    const desk = { id: 'run_desk', name: 'desk' };
    const held = { ...ALONE, leaseHolder: desk, leaseEpoch: 3, primarySilentForMs: 0 };
    expect(await statusText(() => undefined, held)).toContain(
      'Runner: this computer sends (it holds the lease, epoch 3)',
    );
    const lost = { ...held, role: 'standby' as const, leaseHolder: { id: 'run_nas', name: 'NAS' }, leaseEpoch: 4 };
    const stale = { ...lost, writtenAt: Date.UTC(2025, 0, 1), stale: true };
    expect(await statusText(() => undefined, stale)).toContain(
      'Runner: this computer does not send: the lease is held by "NAS" (epoch 4) (as of 2025-01-01',
    );
  });

  it('says how many rows a restore holds and the command that lets them go', async () => {
    const text = await statusText(holdANotice);
    // One notice on the desktop and by e-mail: two rows.
    expect(text).toContain('Held since a restore: 2 (warnings, notices and deliveries)');
    expect(text).toContain('`afterword resume`');
  });

  it('says nothing of held rows when none are held, and that automatic backups are off without a target', async () => {
    const text = await statusText(() => undefined);
    expect(text).not.toContain('Held since a restore');
    expect(text).toContain('Last backup: never; automatic backups: off (afterword backup target s3 …)');
  });
});
