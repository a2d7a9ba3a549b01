// A vault put back to an older copy: the lock screen says what happened (check-ins may be undone,
// deleted messages back) and opens it only when the owner, with the password, says the restore
// was deliberate; afterwards this computer knows the restored copy (the CLI opens it plainly).
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CliVault, TempDirs } from '../electron/apps/cli/test-support/run-cli.js';
import { describeE2E } from './support/env.js';
import { PASSWORD, useE2E } from './support/fixture.js';

describeE2E('an older copy of the vault', () => {
  const e2e = useE2E();
  const temp = new TempDirs();
  afterAll(() => temp.cleanup());

  it(
    'is explained on the lock screen and opened only as a deliberate restore, with the password',
    { timeout: 120_000 },
    async () => {
      const vault = await CliVault.create(temp, 'e2e-older');
      vault.password = PASSWORD;
      await vault.init();
      const old = join(vault.root, 'old-copy');
      await cp(vault.dir, old, { recursive: true });
      await vault.json(['checkin']);
      await rm(vault.dir, { recursive: true });
      await cp(old, vault.dir, { recursive: true });

      const session = await e2e.start({ root: vault.root });
      const { unlock } = session.app;
      await unlock.olderCopyNotice().waitFor();
      await unlock.openOlderCopy(PASSWORD);
      const rows = (await session.api.call('audit.page', { limit: 50 })).rows;
      expect(rows.map((r) => r.action)).toContain('vault.older_accepted');
      expect(session.problems()).toEqual([]);
      await session.runner.stop();

      // The restored copy is now the one this computer knows: no flag needed, its history intact.
      expect(await vault.json<{ ok: boolean }>(['audit', 'verify'])).toMatchObject({ ok: true });
    },
  );
});
