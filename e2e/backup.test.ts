// Backup in the app, against a real S3 server (s3rver on loopback): the bucket is set up on the
// screen, a wrong bucket fails the connection test with the step and the server's answer, the
// right one passes; "Back up now" stores a snapshot the list shows and Verify checks; the restore
// command names the bucket; the dashboard shows the last backup; a reload and Back keep the
// screen sane; a half-filled form asks before it is left. The export's failure is shown in its card.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { opensslAvailable, selfSignedCertificate } from '../electron/core/test-support/self-signed-certificate.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../electron/node/test-support/s3rver-process.js';
import { LeaveDialog } from './pages/LeaveDialog.js';
import { seriousViolations } from './support/accessibility.js';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';

/** Valid for the contract's pattern, but its checksum is wrong: no age tool accepts it. */
const BAD_RECIPIENT = `age1${'q'.repeat(58)}`;

describeE2E('the Backup screen', () => {
  const e2e = useE2E();
  let s3: S3rverProcess;
  beforeAll(async () => {
    s3 = await startS3rver('afterword-e2e');
  }, 30_000);
  afterAll(async () => {
    if (s3) await stopS3rver(s3);
  });

  it(
    'sets up the bucket, tests it, backs up, lists and verifies; the dashboard shows it',
    { timeout: 180_000 },
    async () => {
      const session = await e2e.start();
      const { app, ui, api } = session;
      await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
      await app.dashboard.waitUntilShown();
      const lastBackup = ui.page.getByTestId('last-backup');
      expect(await lastBackup.textContent()).toBe(ui.texts.t('backup:dashboard.notConfigured'));

      const backup = await app.goTo('backup');
      expect(await backup.nowButton().isDisabled()).toBe(true);
      const endpoint = `http://127.0.0.1:${s3.port}`;

      // Empty: every required field is marked on the screen, nothing is sent.
      await backup.saveButton().click();
      await backup.targetCard().getByText(ui.texts.t('backup:target.endpointRequired')).waitFor();
      await backup.targetCard().getByText(ui.texts.t('backup:target.secretRequired')).waitFor();
      expect((await api.call('backup.getTarget', {})).target).toBeNull();

      // A bucket that does not exist: the test says which step failed and what the server said.
      await backup.fillTarget({
        endpoint,
        bucket: 'no-such-bucket',
        pathStyle: true,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      });
      const wrong = await backup.testConnection();
      expect(wrong.ok).toBe(false);
      expect(wrong.text).toContain(ui.texts.t('backup:test.serverSaid'));
      expect(wrong.text).toMatch(/NoSuchBucket|does not exist/i);
      expect(await api.call('backup.getTarget', {})).toMatchObject({ target: { bucket: 'no-such-bucket' } });
      expect(await seriousViolations(ui.page)).toEqual([]);

      // The right bucket, the secret left empty: the stored secret is kept, and the test passes.
      await backup.field('backup:target.bucket').fill(s3.bucket);
      expect(await backup.secretField().inputValue()).toBe('');
      const right = await backup.testConnection();
      expect(right).toMatchObject({ ok: true });
      expect(right.text).toContain(endpoint);

      // Back up now: the summary, one row in the list, and Verify checks it.
      const summary = await backup.backUpNow();
      expect(summary).toContain('#1');
      await expect.poll(() => backup.snapshotRows().count()).toBe(1);
      expect(await backup.snapshotRows().first().textContent()).toContain('#1');
      expect(await backup.verify(1)).toContain('#1');
      await backup.healthCard().getByText(ui.texts.t('backup:health.badgeOk'), { exact: true }).waitFor();

      // The restore command names this bucket exactly as the CLI reads it.
      const command = await backup.restoreCommand().textContent();
      expect(command).toBe(
        `afterword restore --endpoint ${endpoint} --bucket ${s3.bucket} --prefix afterword/v1 --path-style --vault ~/afterword-restored`,
      );
      expect(await seriousViolations(ui.page)).toEqual([]);

      // A reload shows what is stored (never the secret) and the snapshot; Back returns to the dashboard.
      await ui.page.reload();
      await backup.waitUntilShown();
      await expect.poll(() => backup.field('backup:target.bucket').inputValue()).toBe(s3.bucket);
      expect(await backup.field('backup:target.endpoint').inputValue()).toBe(endpoint);
      expect(await backup.secretField().inputValue()).toBe('');
      expect(await backup.pathStyle().isChecked()).toBe(true);
      await backup.targetCard().getByText(ui.texts.t('backup:target.secretKeep')).waitFor();
      await expect.poll(() => backup.snapshotRows().count()).toBe(1);
      await ui.page.goBack();
      await app.dashboard.waitUntilShown();
      const before = ui.texts.t('backup:dashboard.lastBackup', { when: '\u0000' }).split('\u0000')[0]!;
      await expect.poll(() => lastBackup.textContent()).toContain(before);
      await ui.page.goForward();
      await backup.waitUntilShown();

      // A half-filled form asks before it is left; staying keeps what was typed.
      await backup.field('backup:target.prefix').fill('elsewhere/v1');
      const leave = new LeaveDialog(ui);
      await app.shell.goTo('dashboard');
      await leave.root().waitFor();
      await leave.stay();
      expect(await backup.field('backup:target.prefix').inputValue()).toBe('elsewhere/v1');
      await app.shell.goTo('dashboard');
      await leave.discardAndLeave();
      await app.dashboard.waitUntilShown();
      expect(await api.call('backup.getTarget', {})).toMatchObject({ target: { prefix: 'afterword/v1' } });
      // The one expected failure: while the wrong bucket was stored, listing its snapshots could not work.
      const unexpected = session.problems().filter((p) => !/backup\.list$/.test(p) && !/status of 503/.test(p));
      expect(unexpected).toEqual([]);
      expect(session.problems().filter((p) => /backup\.list$/.test(p))).toHaveLength(1);
    },
  );

  it(
    'a server with its own CA: the certificate pasted in the form makes the test pass, is kept on reload, and goes when unticked',
    { timeout: 180_000 },
    async () => {
      if (!opensslAvailable) {
        console.warn('skipped: the openssl tool (to make a test certificate) is not installed');
        return;
      }
      const certDir = await mkdtemp(join(tmpdir(), 'aw-e2e-ca-'));
      const { keyFile, certFile, cert } = selfSignedCertificate(certDir);
      const tlsS3 = await startS3rver('afterword-e2e-tls', { keyFile, certFile });
      try {
        const session = await e2e.start();
        const { app, ui, api } = session;
        await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
        await app.dashboard.waitUntilShown();
        const backup = await app.goTo('backup');
        const endpoint = `https://127.0.0.1:${tlsS3.port}`;
        await backup.fillTarget({
          endpoint,
          bucket: tlsS3.bucket,
          pathStyle: true,
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
        });

        // Without the CA the server's certificate is not trusted, and the answer says so.
        const untrusted = await backup.testConnection();
        expect(untrusted.ok).toBe(false);
        expect(untrusted.text).toMatch(/certificate/i);

        await backup.ownCa().check();
        await backup.saveButton().click();
        await backup.targetCard().getByText(ui.texts.t('backup:target.caRequired')).waitFor();
        await backup.caField().fill('not a certificate');
        await backup.saveButton().click();
        await backup.targetCard().getByText(ui.texts.t('backup:target.caInvalid')).waitFor();
        await backup.caField().fill(cert);
        const trusted = await backup.testConnection();
        expect(trusted).toMatchObject({ ok: true });
        expect(await api.call('backup.getTarget', {})).toMatchObject({ target: { endpoint, customCa: true } });
        // The command is drawn from the saved target, which the screen reads again after the save.
        await expect.poll(() => backup.restoreCommand().textContent()).toContain(' --ca-file ca.pem ');
        expect(await seriousViolations(ui.page)).toEqual([]);

        // A reload: the option is ticked, the certificate is not shown back but kept.
        await ui.page.reload();
        await backup.waitUntilShown();
        await expect.poll(() => backup.ownCa().isChecked()).toBe(true);
        expect(await backup.caField().inputValue()).toBe('');
        await backup.targetCard().getByText(ui.texts.t('backup:target.caKeep')).waitFor();
        expect(await backup.testConnection()).toMatchObject({ ok: true });

        // Unticked and saved: the certificate is gone.
        await backup.ownCa().uncheck();
        await backup.save();
        expect(await api.call('backup.getTarget', {})).toMatchObject({ target: { customCa: false } });
        await expect.poll(() => backup.restoreCommand().textContent()).not.toContain('--ca-file');
      } finally {
        await stopS3rver(tlsS3);
        await rm(certDir, { recursive: true, force: true });
      }
    },
  );

  it('shows an export the core refuses in the export card and keeps what was typed', { timeout: 120_000 }, async () => {
    const session = await e2e.start();
    const { app, ui } = session;
    await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
    await app.dashboard.waitUntilShown();
    const backup = await app.goTo('backup');

    // Caught on the screen: passphrases that differ, a recipient that is not age1….
    await backup.fillPassphrase('a long export passphrase', 'a different one');
    await backup.exportButton().click();
    await backup.exportCard().getByText(ui.texts.t('backup:export.passphraseMismatch')).waitFor();
    await backup.chooseExportMode('recipient');
    await backup.recipientField().fill('age1notakey');
    await backup.exportButton().click();
    await backup.exportCard().getByText(ui.texts.t('backup:export.recipientInvalid')).waitFor();

    // Refused by the core (the checksum is wrong): said in the card, the recipient stays.
    await backup.recipientField().fill(BAD_RECIPIENT);
    const answered = ui.page.waitForResponse((r) => r.url().endsWith('/api/rpc/backup.exportBegin'));
    await backup.exportButton().click();
    expect((await answered).ok()).toBe(false);
    await backup.exportFailure().waitFor();
    expect(await backup.recipientField().inputValue()).toBe(BAD_RECIPIENT);
    expect(await seriousViolations(ui.page)).toEqual([]);
  });
});
