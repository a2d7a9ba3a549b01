// Backup → Standby in the app, against a real S3 server (s3rver on loopback): without a bucket the
// card says to set one up; a mistyped code is marked on the screen; a good one shows its
// fingerprint for comparison, and only the confirmation pairs it; the list shows the standby's
// sign of life; removing it asks first, says what it cannot undo, and takes it out of the bucket.
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { expect, it } from 'vitest';
import { parseStandbyCode } from '../shared/standby-code.js';
import { systemClock } from '../electron/node/system-clock.js';
import { s3ObjectStores } from '../electron/node/lazy-s3-object-store.js';
import { writeStandbyAlive } from '../electron/core/standby/standby-alive.js';
import { unwrapStandbyPairing } from '../electron/core/standby/standby-unwrap.js';
import { seriousViolations } from './support/accessibility.js';
import { describeE2E } from './support/env.js';
import { useE2ES3rver } from './support/s3rver.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';

describeE2E('Backup → Standby', () => {
  const e2e = useE2E();
  const s3 = useE2ES3rver();

  it(
    'pairs a standby after the fingerprint is shown, lists its sign of life, and removes it',
    { timeout: 180_000 },
    async () => {
      const session = await e2e.start();
      const { app, ui, api } = session;
      await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
      await app.dashboard.waitUntilShown();

      let backup = await app.goTo('backup');
      await backup.standbyCard().getByText(ui.texts.t('backup:standby.needsTarget')).waitFor();
      await backup.standbyCard().getByText(ui.texts.t('backup:standby.empty')).waitFor();

      const target = s3().target('e2e-standby');
      await api.call('backup.setTarget', { ...target, ca: null });
      await ui.page.reload();
      backup = await app.goTo('backup');

      // A code with one character wrong: marked on the screen, nothing is sent.
      const identity = await generateX25519Identity();
      const code = await identityToRecipient(identity);
      const mistyped = `${code.slice(0, -1)}${code.endsWith('q') ? 'p' : 'q'}`;
      await backup.startPairing('nas', mistyped);
      await backup.standbyCard().getByText(ui.texts.t('backup:standby.codeInvalid')).waitFor();
      expect((await api.call('standby.list', {})).standbys).toEqual([]);

      // The right code: its fingerprint is shown; cancelling pairs nothing.
      const { fingerprint } = parseStandbyCode(code)!;
      let dialog = await backup.startPairing('nas', code);
      expect(await dialog.getByTestId('standby-confirm-fingerprint').textContent()).toBe(fingerprint);
      expect(await seriousViolations(ui.page)).toEqual([]);
      await dialog
        .getByRole('button', { name: ui.texts.t('backup:standby.cancel'), exact: true })
        .first()
        .click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await api.call('standby.list', {})).standbys).toEqual([]);

      dialog = await backup.startPairing('nas', code);
      await backup.confirmPairing(dialog, 'nas');
      const row = backup.standbyRows().filter({ hasText: 'nas' });
      await row.waitFor();
      expect(await row.textContent()).toContain(fingerprint);
      expect(await row.textContent()).toContain(ui.texts.t('backup:standby.never'));

      // The standby can open its pairing, and says it is there: the list shows it after a reload.
      const store = s3ObjectStores(target);
      expect((await unwrapStandbyPairing(store, identity)).name).toBe('nas');
      await writeStandbyAlive(store, systemClock, fingerprint);
      await ui.page.reload();
      backup = await app.goTo('backup');
      const seen = backup.standbyRows().filter({ hasText: 'nas' });
      await seen.waitFor();
      expect(await seen.textContent()).not.toContain(ui.texts.t('backup:standby.never'));

      // The same name again is marked before anything is sent.
      await backup.startPairing('nas', await identityToRecipient(await generateX25519Identity()));
      await backup.standbyCard().getByText(ui.texts.t('backup:standby.nameTaken')).waitFor();

      await backup.removeStandby('nas');
      await backup.standbyCard().getByText(ui.texts.t('backup:standby.empty')).waitFor();
      await expect(unwrapStandbyPairing(store, identity)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      store.close?.();
    },
  );
});
