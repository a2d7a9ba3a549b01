import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../core/engine.js';
import { enqueueOwnerNotice } from '../../../core/delivery/owner-notices.js';
import { readStatus } from '../../../core/schedule/status.js';
import { createTestVault, type TestVault } from '../../../core/test-support/vault-fixture.js';
import { inWords, renderStatus } from './status-text.js';

const vaults: TestVault[] = [];
afterEach(async () => {
  for (const tv of vaults.splice(0)) await tv.dispose();
});

type Prepare = (tv: TestVault, engine: ReturnType<typeof createEngine>) => void;

async function statusText(prepare: Prepare): Promise<string> {
  const tv = await createTestVault({ prefix: 'aw-status-text-' });
  vaults.push(tv);
  const engine = createEngine(tv.services, { clock: tv.clock });
  prepare(tv, engine);
  return renderStatus(inWords(readStatus(tv.services, engine.outbox, tv.clock.now())));
}

const holdANotice: Prepare = (tv, engine) => {
  const deps = { db: tv.vault.db, key: tv.vault.contentKey, outbox: engine.outbox };
  enqueueOwnerNotice(deps, { id: 'held-test', subject: 'S', text: 'T' });
  engine.outbox.holdUnsent();
};

describe('afterword status in words', () => {
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
