// The primary's side of pairing when the bucket fails half-way, against a real S3 server (s3rver on
// loopback): the roster's write refused leaves no wrap behind and nothing recorded in the vault.
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { ObjectStoreError } from '../backup/backup-errors.js';
import { BackupService } from '../backup/backup-service.js';
import type { ObjectStoreFactory } from '../ports/object-store.js';
import { createTestVault } from '../test-support/vault-fixture.js';
import { STANDBY_ROSTER_KEY, standbyMemberKey } from './standby-layout.js';
import { StandbyService, STANDBY_MEMBERS_SETTING } from './standby-service.js';

let server: S3rverProcess;
beforeAll(async () => void (server = await startS3rver()), 30_000);
afterAll(() => stopS3rver(server));

/** The real bucket, except that it refuses to write the roster (as a full quota or a lost connection would). */
const refusingRoster: ObjectStoreFactory = (target) => {
  const store = s3ObjectStores(target);
  return Object.assign(Object.create(store) as typeof store, {
    put: (key: string, body: Uint8Array) =>
      key === STANDBY_ROSTER_KEY
        ? Promise.reject(new ObjectStoreError('PUT', key, 'QuotaExceeded', 'quota exceeded'))
        : store.put(key, body),
  });
};

it('a roster the bucket refuses leaves no wrap there and no standby in the vault', { timeout: 120_000 }, async () => {
  const tv = await createTestVault({ prefix: 'aw-standby-service-' });
  try {
    const target = server.target('standby-half-way');
    new BackupService(tv.services, s3ObjectStores).setTarget(target);
    const code = await identityToRecipient(await generateX25519Identity());
    const auditRows = () =>
      tv.vault.db.sqlite.prepare("SELECT count(*) FROM audit_log WHERE action LIKE 'standby.%'").pluck().get();

    await expect(new StandbyService(tv.services, refusingRoster).add('nas', code)).rejects.toMatchObject({
      code: 'BACKUP_TARGET_FAILED',
    });
    const store = s3ObjectStores(target);
    expect(await store.get(standbyMemberKey('nas'))).toBeNull();
    expect(tv.services.settings.get(STANDBY_MEMBERS_SETTING)).toBeUndefined();
    expect(auditRows()).toBe(0);

    // Once the bucket takes it, the same name and code pair normally.
    await new StandbyService(tv.services, s3ObjectStores).add('nas', code);
    expect(await store.get(standbyMemberKey('nas'))).not.toBeNull();
    expect(auditRows()).toBe(1);
    store.close?.();
  } finally {
    await tv.dispose();
  }
});
