// Backup: the bucket (form, "Test connection", remove), "Back up now" and the snapshots, the
// automatic-backup health, the restore command, and the age export.
import type { Download, Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export interface TargetFields {
  endpoint: string;
  bucket: string;
  prefix?: string;
  region?: string;
  pathStyle: boolean;
  accessKeyId: string;
  /** Left out: the field stays empty (the stored secret is kept). */
  secretAccessKey?: string;
}

export interface TestShown {
  ok: boolean;
  text: string;
}

export class BackupPage extends Screen {
  protected readonly title: TextKey = 'backup:title';

  targetCard(): Locator {
    return this.region('backup:target.title');
  }

  field(key: TextKey): Locator {
    return this.textbox(this.targetCard(), key);
  }

  secretField(): Locator {
    return this.textbox(this.targetCard(), 'backup:target.secret');
  }

  pathStyle(): Locator {
    return this.targetCard().getByRole('checkbox', { name: this.t('backup:target.pathStyle'), exact: true });
  }

  ownCa(): Locator {
    return this.targetCard().getByRole('checkbox', { name: this.t('backup:target.ownCa'), exact: true });
  }

  caField(): Locator {
    return this.textbox(this.targetCard(), 'backup:target.ca');
  }

  async fillTarget(fields: TargetFields): Promise<void> {
    await this.field('backup:target.endpoint').fill(fields.endpoint);
    await this.field('backup:target.bucket').fill(fields.bucket);
    if (fields.prefix !== undefined) await this.field('backup:target.prefix').fill(fields.prefix);
    if (fields.region !== undefined) await this.field('backup:target.region').fill(fields.region);
    await this.pathStyle().setChecked(fields.pathStyle);
    await this.field('backup:target.accessKeyId').fill(fields.accessKeyId);
    if (fields.secretAccessKey !== undefined) await this.secretField().fill(fields.secretAccessKey);
  }

  saveButton(): Locator {
    return this.button(this.targetCard(), 'backup:target.save');
  }

  async save(): Promise<void> {
    await this.clickForRpc(this.saveButton(), 'backup.setTarget');
    await this.alert('backup:target.saved').first().waitFor();
  }

  /** "Save and test" (unsaved changes) or "Test connection"; resolves with the outcome shown. */
  async testConnection(): Promise<TestShown> {
    const card = this.targetCard();
    const button = card
      .getByRole('button', { name: this.t('backup:target.saveAndTest'), exact: true })
      .or(this.button(card, 'backup:target.test'));
    const answered = this.page.waitForResponse((r) => r.url().endsWith('/api/rpc/backup.test'));
    await button.click();
    await answered;
    const result = card.getByRole('status');
    await result.waitFor();
    const ok = await card.getByRole('status', { name: this.t('backup:test.ok'), exact: true }).isVisible();
    return { ok, text: (await result.textContent()) ?? '' };
  }

  nowCard(): Locator {
    return this.region('backup:now.title');
  }

  nowButton(): Locator {
    return this.button(this.nowCard(), 'backup:now.button');
  }

  /** "Back up now"; resolves with the summary once the push is done. */
  async backUpNow(): Promise<string> {
    await this.clickForRpc(this.nowButton(), 'backup.now');
    const summary = this.nowCard().getByRole('status').first();
    await summary.waitFor();
    return (await summary.textContent()) ?? '';
  }

  snapshotTable(): Locator {
    return this.page.getByRole('table', { name: this.t('backup:list.label'), exact: true });
  }

  /** The snapshot rows (the header row left out). */
  snapshotRows(): Locator {
    return this.snapshotTable().locator('tbody tr');
  }

  async verify(seq: number): Promise<string> {
    await this.clickForRpc(this.button(this.nowCard(), 'backup:list.verifyLabel', { seq }), 'backup.verify');
    const result = this.nowCard()
      .getByRole('status')
      .filter({ hasText: `#${seq}` })
      .last();
    await result.waitFor();
    return (await result.textContent()) ?? '';
  }

  healthCard(): Locator {
    return this.region('backup:health.title');
  }

  restoreCommand(): Locator {
    return this.region('backup:restore.title').getByLabel(this.t('backup:restore.command'), { exact: true });
  }

  exportCard(): Locator {
    return this.region('backup:export.title');
  }

  async chooseExportMode(mode: 'passphrase' | 'recipient'): Promise<void> {
    await this.chooseSegment(
      this.exportCard(),
      this.t(mode === 'passphrase' ? 'backup:export.modePassphrase' : 'backup:export.modeRecipient'),
    );
  }

  async fillPassphrase(passphrase: string, again = passphrase): Promise<void> {
    const card = this.exportCard();
    await this.textbox(card, 'backup:export.passphrase').fill(passphrase);
    await this.textbox(card, 'backup:export.passphraseAgain').fill(again);
  }

  recipientField(): Locator {
    return this.textbox(this.exportCard(), 'backup:export.recipient');
  }

  exportButton(): Locator {
    return this.button(this.exportCard(), 'backup:export.button');
  }

  /** "Export", and the file the browser downloads. */
  async exportAndDownload(): Promise<Download> {
    const download = this.page.waitForEvent('download', { timeout: 60_000 });
    const failed = this.exportFailure()
      .waitFor({ timeout: 60_000 })
      .then(async () => {
        throw new Error(`the export failed: ${await this.exportFailure().textContent()}`);
      });
    await this.exportButton().click();
    return Promise.race([download, failed]);
  }

  cancelExportButton(): Locator {
    return this.button(this.exportCard(), 'backup:export.cancel');
  }

  exportFailure(): Locator {
    return this.exportCard()
      .getByRole('alert')
      .filter({ hasText: this.t('backup:export.failed') });
  }

  standbyCard(): Locator {
    return this.region('backup:standby.title');
  }

  standbyRows(): Locator {
    return this.page.getByRole('table', { name: this.t('backup:standby.label'), exact: true }).locator('tbody tr');
  }

  /** Fills the pairing form and presses "Pair standby"; resolves with the fingerprint the confirmation shows. */
  async startPairing(name: string, code: string): Promise<Locator> {
    const card = this.standbyCard();
    await this.textbox(card, 'backup:standby.name').fill(name);
    await this.textbox(card, 'backup:standby.code').fill(code);
    await this.button(card, 'backup:standby.add').click();
    return this.page.getByRole('dialog', { name: this.t('backup:standby.confirmTitle'), exact: true });
  }

  async confirmPairing(dialog: Locator, name: string): Promise<void> {
    await this.clickForRpc(this.button(dialog, 'backup:standby.confirm'), 'standby.add');
    await this.alert('backup:standby.added', { name }).first().waitFor();
  }

  async removeStandby(name: string): Promise<void> {
    await this.button(this.standbyCard(), 'backup:standby.removeLabel', { name }).click();
    const dialog = this.page.getByRole('dialog', { name: this.t('backup:standby.removeTitle', { name }), exact: true });
    await this.clickForRpc(this.button(dialog, 'backup:standby.removeConfirm'), 'standby.remove');
    await this.alert('backup:standby.removed', { name }).first().waitFor();
  }
}
