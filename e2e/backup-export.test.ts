// The age export from the Backup screen: a passphrase typed twice, "Export", the chunks fetched and
// saved as one `.age` file through the browser's download; the file opens with the age format's
// own implementation (the `age-encryption` package) and holds the message. Needs the export
// handlers (backup.exportBegin/Chunk/Cancel); until they exist the core refuses and these tests fail.
// A cancelled export is dropped in the core and saves nothing.
import { readFile } from 'node:fs/promises';
import { Decrypter } from 'age-encryption';
import { expect, it } from 'vitest';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';

const PASSPHRASE = 'export passphrase for the family';
const TITLE = 'For Kit: where the papers are';

describeE2E('the age export in the app', () => {
  const e2e = useE2E();

  it('downloads an .age file that the passphrase opens', { timeout: 180_000 }, async () => {
    const session = await e2e.start();
    const { app, api, ui } = session;
    await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
    await app.dashboard.waitUntilShown();
    const kit = await api.call('recipients.create', { name: 'Kit', type: 'email', contact: 'kit@example.org' });
    await api.call('messages.create', {
      title: TITLE,
      body: 'The papers are in the blue folder.',
      recipientIds: [kit.id],
    });

    const backup = await app.goTo('backup');
    await backup.fillPassphrase(PASSPHRASE);
    const download = await backup.exportAndDownload();
    expect(download.suggestedFilename()).toMatch(/\.age$/);
    await backup.exportCard().getByRole('status').waitFor();
    // The passphrase does not stay on the screen once the file is made.
    expect(
      await backup
        .exportCard()
        .getByRole('textbox', { name: ui.texts.t('backup:export.passphrase'), exact: true })
        .inputValue(),
    ).toBe('');

    const file = await readFile((await download.path())!);
    expect(file.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    const decrypter = new Decrypter();
    decrypter.addPassphrase(PASSPHRASE);
    const plain = Buffer.from(await decrypter.decrypt(new Uint8Array(file)));
    expect(plain.includes('messages.json')).toBe(true);
    expect(plain.includes(TITLE)).toBe(true);
    expect(session.problems()).toEqual([]);
  });

  it('cancels an export on its way: the core is told, nothing is saved', { timeout: 180_000 }, async () => {
    const session = await e2e.start();
    const { app, ui } = session;
    await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
    await app.dashboard.waitUntilShown();
    const backup = await app.goTo('backup');

    // The first chunk is held on its way until Cancel is clicked.
    let cancelled!: () => void;
    const cancelClicked = new Promise<void>((resolve) => (cancelled = resolve));
    await ui.page.route('**/api/rpc/backup.exportChunk', async (route) => {
      await cancelClicked;
      await route.continue();
    });
    let downloads = 0;
    ui.page.on('download', () => downloads++);
    await backup.fillPassphrase(PASSPHRASE);
    const chunkAsked = ui.page.waitForRequest((r) => r.url().endsWith('/api/rpc/backup.exportChunk'));
    await backup.exportButton().click();
    await chunkAsked;
    const told = ui.page.waitForResponse((r) => r.url().endsWith('/api/rpc/backup.exportCancel'));
    await backup.cancelExportButton().click();
    cancelled();
    await told;
    await backup.exportCard().getByText(ui.texts.t('backup:export.cancelled')).waitFor();
    expect(downloads).toBe(0);
  });
});
