import { afterEach, expect, it } from 'vitest';
import { enqueueOwnerNotice } from '../delivery/owner-notices.js';
import { Outbox } from '../delivery/outbox.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { runDoctor } from './doctor.js';

let tv: TestVault | null = null;
afterEach(async () => {
  await tv?.dispose();
  tv = null;
});

it('warns of rows held since a restore, with the command that lets them go', async () => {
  tv = await createTestVault({ prefix: 'aw-doctor-' });
  expect((await runDoctor(tv.services)).warnings.join('\n')).not.toContain('held since a restore');
  const outbox = new Outbox(tv.vault.db, tv.clock);
  enqueueOwnerNotice({ db: tv.vault.db, key: tv.vault.contentKey, outbox }, { id: 'held', subject: 'S', text: 'T' });
  outbox.holdUnsent();
  const report = await runDoctor(tv.services);
  expect(report.ok).toBe(true);
  // One notice on the desktop and by e-mail: two rows.
  expect(report.warnings).toContainEqual(
    expect.stringMatching(
      /^outbox: 2 warning\(s\), notice\(s\) or deliveries held since a restore; .*afterword resume/,
    ),
  );
});
