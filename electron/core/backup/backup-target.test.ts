import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../node/file-key-store.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { T0, TEST_PASSWORD } from '../test-support/vault-fixture.js';
import type { BucketTarget, ObjectStoreFactory } from '../ports/object-store.js';
import { createVaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';
import { BackupService } from './backup-service.js';

const roots: string[] = [];
const open: Vault[] = [];
afterEach(async () => {
  for (const vault of open.splice(0)) if (vault.db.sqlite.open) await vault.close();
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

const noBucket: ObjectStoreFactory = () => {
  throw new Error('setting the target reaches no bucket');
};

async function backups() {
  const root = await mkdtemp(join(tmpdir(), 'aw-backup-target-'));
  roots.push(root);
  const clock = new ManualClock(T0);
  const { vault } = await Vault.create(join(root, 'vault'), TEST_PASSWORD, {
    clock,
    scrypt: { logN: 15, r: 8, p: 1 },
    marks: new FileKeyStore(join(root, 'keys')),
  });
  open.push(vault);
  const services = createVaultServices(vault, clock);
  return { services, service: new BackupService(services, noBucket) };
}

const target = {
  endpoint: 'http://127.0.0.1:9000',
  bucket: 'first-bucket',
  prefix: 'afterword/v1',
  region: 'us-east-1',
  pathStyle: true,
  accessKeyId: 'AKIA1',
};

describe('the backup target', () => {
  it('keeps the stored secret when an edit leaves it out, and never shows it', async () => {
    const { services, service } = await backups();
    service.setTarget({ ...target, secretAccessKey: 'the-secret' });
    const shown = service.setTarget({ ...target, bucket: 'second-bucket' });
    expect(shown).toEqual({ kind: 's3', ...target, bucket: 'second-bucket', customCa: false });
    expect(services.settings.get<BucketTarget>('backup.target')).toEqual({
      ...target,
      bucket: 'second-bucket',
      secretAccessKey: 'the-secret',
      ca: null,
    });
    service.setTarget({ ...target, secretAccessKey: 'a-new-secret' });
    expect(services.settings.get<BucketTarget>('backup.target')?.secretAccessKey).toBe('a-new-secret');
  });

  it('refuses a first target without a secret', async () => {
    const { services, service } = await backups();
    expect(() => service.setTarget(target)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(services.settings.get('backup.target')).toBeUndefined();
  });

  it('never sends the stored secret to another endpoint or access key', async () => {
    const { services, service } = await backups();
    service.setTarget({ ...target, secretAccessKey: 'the-secret' });
    for (const changed of [{ endpoint: 'https://s3.example.org' }, { accessKeyId: 'AKIA2' }]) {
      expect(() => service.setTarget({ ...target, ...changed })).toThrow(
        expect.objectContaining({
          code: 'BAD_REQUEST',
          message: expect.stringMatching(/give the secret access key again/),
        }),
      );
    }
    expect(services.settings.get<BucketTarget>('backup.target')).toEqual({
      ...target,
      secretAccessKey: 'the-secret',
      ca: null,
    });
  });

  it('keeps a CA certificate only for its own https endpoint', async () => {
    const { services, service } = await backups();
    const https = { ...target, endpoint: 'https://minio.example.org' };
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(service.setTarget({ ...https, secretAccessKey: 's', ca }).customCa).toBe(true);
    expect(service.setTarget({ ...https, bucket: 'other-bucket' }).customCa).toBe(true);
    expect(service.setTarget({ ...https, endpoint: 'https://s3.example.org', secretAccessKey: 's' }).customCa).toBe(
      false,
    );
    expect(services.settings.get<BucketTarget>('backup.target')?.ca).toBeNull();
    expect(() => service.setTarget({ ...target, secretAccessKey: 's', ca })).toThrow(/only for an https:\/\/ endpoint/);
  });
});
