// Two-step sign-in in the browser: set up under Security (QR code, secret, recovery codes, a first
// code from the authenticator turns it on), then the lock screen asks for a code after the
// password, refuses a wrong one on the field, and signs in with the app's next code.
import { generateSync } from 'otplib';
import { expect, it } from 'vitest';
import { seriousViolations } from './support/accessibility.js';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';

/** One TOTP step: a code used once (turning it on) cannot sign in again within its step. */
const STEP_MS = 30_000;

describeE2E('two-step sign-in', () => {
  const e2e = useE2E();

  it(
    'set up with a QR code and a first code; then the lock screen asks for the code and signs in with it',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start();
      const { app, api, page, ui } = session;
      // The authenticator app: codes for the runner's (test) clock.
      const codeAt = (secret: string, nowMs: number) => generateSync({ secret, epoch: Math.floor(nowMs / 1000) });

      await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
      await app.dashboard.waitUntilShown();
      const security = await app.goTo('security');
      const { secret, recoveryCodes } = await security.startTwoStep();
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(recoveryCodes).toHaveLength(10);
      expect(await api.call('mfa.status', {})).toEqual({ enabled: false, pending: true, recoveryCodesLeft: 0 });
      expect(await seriousViolations(page), 'axe on the set-up').toEqual([]);

      await security.confirmTwoStep(codeAt(secret, await api.tick()));
      expect(await api.call('mfa.status', {})).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 10 });

      await api.clockWhileLocked();
      await app.shell.lock();
      await app.unlock.waitUntilShown();
      await app.unlock.submitPasswordExpectingCode(PASSWORD);
      expect(await seriousViolations(page), 'axe on the lock screen asking for the code').toEqual([]);

      // A wrong code is said on the field; the form stays, with the password still filled in.
      const now = await api.advanceClock(STEP_MS);
      const wrong = codeAt(secret, now) === '000000' ? '111111' : '000000';
      await app.unlock.codeField().fill(wrong);
      const refused = page.waitForResponse((response) => response.url().endsWith('/api/rpc/vault.unlock'));
      await page.getByRole('button', { name: ui.texts.t('unlock:unlock'), exact: true }).click();
      expect((await refused).status()).toBe(401);
      await page.getByText(ui.texts.t('errors:code.MFA_CODE_WRONG'), { exact: true }).waitFor();

      await app.unlock.unlockWithCode(codeAt(secret, now));
      // Back where the lock found it, signed in: the card says two-step sign-in is on.
      await security.twoStep().getByText(ui.texts.t('security:twoStep.on'), { exact: true }).waitFor();
      expect(session.problems()).toEqual([]);
    },
  );
});
