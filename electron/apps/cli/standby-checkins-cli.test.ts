// Check-ins count on the standby too, black-box: the built `afterword serve` runs the primary
// (unattended, with a paired standby and the test clock), `afterword checkin` is run in another
// process, and the check-in reaches the bucket signed for the standby to read; a check-in the
// standby publishes is applied by the running primary. Real S3 server (s3rver with conditional writes).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ServeProcess } from '../../../e2e/support/runner.js';
import { deriveBackupKeys } from '../../core/backup/backup-keys.js';
import { CHECKIN_EXCHANGE_FILE } from '../../core/standby/checkin-exchange-state.js';
import { checkinKey, decodeCheckin, encodeCheckin } from '../../core/standby/checkin-record.js';
import { CHECKIN_RELAYED_ACTION } from '../../core/standby/checkin-vault.js';
import { loadStandby } from '../../core/standby/standby-setup.js';
import { unwrapStandbyPairing } from '../../core/standby/standby-unwrap.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { S3RVER_ENV, useCliS3rver } from './test-support/cli-s3rver.js';
import { CliVault, TempDirs, describeResult, parseJsonStdout } from './test-support/run-cli.js';

const temp = new TempDirs();
const s3 = useCliS3rver({ conditionalWrites: true });
afterAll(() => temp.cleanup());

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!check()) throw new Error('gave up waiting');
}

describe('afterword serve exchanges check-ins with its standby', { timeout: 300_000 }, () => {
  it('a CLI check-in in another process is published at the next pass; a standby check-in counts on the primary', async () => {
    const prefix = 'checkins-cli';
    const primary = await CliVault.create(temp, 'checkins-primary');
    await primary.init();
    await primary.json(['unattended', 'enable']);
    await primary.json(['backup', 'target', 's3', ...s3.bucketFlags(prefix)], S3RVER_ENV);
    const standby = await CliVault.create(temp, 'checkins-standby');
    const init = await standby.run(['standby', 'init', ...s3.bucketFlags(prefix), '--json'], S3RVER_ENV);
    expect(init.code, describeResult(init)).toBe(0);
    const { code } = parseJsonStdout<{ code: string }>(init);
    await primary.json(['standby', 'add', '--name', 'nas', '--code', code]);
    const { token } = await primary.json<{ token: string }>(['token', 'add', '--role', 'monitor']);

    // What the standby reads with: its own pairing, unwrapped with its own identity.
    const store = new S3ObjectStore(s3.server.target(prefix));
    const loaded = (await loadStandby(standby.dir, new FileKeyStore(standby.keyDir)))!;
    const pairing = await unwrapStandbyPairing(store, loaded.identity);
    const keys = deriveBackupKeys(pairing.vaultKey, pairing.vaultId);

    const served = await ServeProcess.start(temp, { root: primary.root });
    try {
      const pass = async (): Promise<void> => {
        const reply = await fetch(new URL('api/test/clock', served.url), {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ advanceMs: 60_000 }),
        });
        expect(reply.status, await reply.clone().text()).toBe(200);
      };
      // The first pass has counted what the vault and the bucket hold.
      await until(() => existsSync(join(primary.dir, CHECKIN_EXCHANGE_FILE)));

      const checkin = await primary.run(['checkin', '--json']);
      expect(checkin.code, describeResult(checkin)).toBe(0);
      await pass();
      const bytes = await store.get(checkinKey('primary'));
      expect(bytes).not.toBeNull();
      const published = decodeCheckin(keys, pairing.vaultId, bytes!, 'primary');
      expect(published).toMatchObject({ role: 'primary', seq: 1, vaultId: pairing.vaultId });
      expect(published!.source).not.toMatch(/^(primary|standby):/);

      // The standby, running after a takeover, publishes a check-in: the primary applies it.
      await store.put(
        checkinKey('nas-runner'),
        encodeCheckin(keys, {
          vaultId: pairing.vaultId,
          runner: { id: 'nas-runner', name: 'nas' },
          role: 'standby',
          seq: 1,
          at: Date.UTC(2031, 0, 1), // the standby's clock: shown, never compared
          source: 'http:owner',
          checkinId: 42,
        }),
      );
      await pass();
      const db = new Database(join(primary.dir, 'vault.db'), { readonly: true, fileMustExist: true });
      try {
        const newest = db.prepare('SELECT source FROM checkins ORDER BY id DESC LIMIT 1').get() as { source: string };
        expect(newest.source).toBe('standby:nas');
        const audited = db
          .prepare('SELECT entity_id, detail FROM audit_log WHERE action = ? ORDER BY seq')
          .all(CHECKIN_RELAYED_ACTION) as { entity_id: string; detail: string }[];
        expect(audited.map((row) => [row.entity_id, JSON.parse(row.detail)])).toEqual([
          ['nas-runner', { source: 'standby:nas', runner: 'nas', role: 'standby', seq: 1, at: Date.UTC(2031, 0, 1) }],
        ]);
      } finally {
        db.close();
      }
      // Not published back: the primary's object still carries its own check-in.
      await pass();
      expect(decodeCheckin(keys, pairing.vaultId, (await store.get(checkinKey('primary')))!)?.seq).toBe(1);
      expect(served.errors()).toEqual([]);
    } finally {
      await served.stop();
      store.close();
    }
  });
});
