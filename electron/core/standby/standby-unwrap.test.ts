// The standby's side of pairing against a real S3 server (s3rver on loopback) and real vaults: a
// genuine pairing opens; a changed wrap, a pairing copied from another vault's bucket and a bucket
// whose config was swapped are refused.
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { BackupService } from '../backup/backup-service.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import { CONFIG_KEY } from '../backup/bucket-layout.js';
import type { ObjectStore } from '../ports/object-store.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { STANDBY_ROSTER_KEY, standbyMemberKey } from './standby-layout.js';
import { StandbyService } from './standby-service.js';
import { unwrapStandbyPairing } from './standby-unwrap.js';

let server: S3rverProcess;
beforeAll(async () => void (server = await startS3rver()), 30_000);
afterAll(() => stopS3rver(server));

const vaults: TestVault[] = [];
const stores: ObjectStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close?.();
  for (const tv of vaults.splice(0)) await tv.dispose();
});

/** A vault backing up under `prefix`, with a standby paired as `nas`; the bucket as the standby sees it. */
async function pairedVault(prefix: string, identity: string): Promise<{ tv: TestVault; store: ObjectStore }> {
  const tv = await createTestVault({ prefix: 'aw-standby-unwrap-' });
  vaults.push(tv);
  new BackupService(tv.services, s3ObjectStores).setTarget(server.target(prefix));
  await new StandbyService(tv.services, s3ObjectStores).add('nas', await identityToRecipient(identity));
  const store = s3ObjectStores(server.target(prefix));
  stores.push(store);
  return { tv, store };
}

const copy = async (from: ObjectStore, to: ObjectStore, key: string): Promise<void> =>
  to.put(key, (await from.get(key))!);

describe('unwrapStandbyPairing', { timeout: 120_000 }, () => {
  it('returns the vault key and id of a genuine pairing, and refuses a wrap whose signature does not check', async () => {
    const identity = await generateX25519Identity();
    const { tv, store } = await pairedVault('unwrap-genuine', identity);
    const pairing = await unwrapStandbyPairing(store, identity);
    expect(pairing.vaultId).toBe(tv.vault.vaultId);
    expect(Buffer.from(pairing.vaultKey).equals(Buffer.from(tv.vault.contentKey.key))).toBe(true);
    expect(pairing.publicKey).toBe(deriveBackupKeys(tv.vault.contentKey.key, tv.vault.vaultId).publicKeyHex);

    const member = JSON.parse(new TextDecoder().decode((await store.get(standbyMemberKey('nas')))!)) as {
      addedAt: number;
    };
    await store.put(standbyMemberKey('nas'), new TextEncoder().encode(JSON.stringify({ ...member, addedAt: 1 })));
    await expect(unwrapStandbyPairing(store, identity)).rejects.toMatchObject({ code: 'INTEGRITY' });
  });

  it("refuses another vault's pairing copied in, and a config swapped together with it unless unpinned", async () => {
    const identity = await generateX25519Identity();
    const genuine = await pairedVault('unwrap-mine', identity);
    const pin = await unwrapStandbyPairing(genuine.store, identity);
    const other = await pairedVault('unwrap-theirs', identity);

    for (const key of [STANDBY_ROSTER_KEY, standbyMemberKey('nas')]) await copy(other.store, genuine.store, key);
    await expect(unwrapStandbyPairing(genuine.store, identity)).rejects.toMatchObject({ code: 'INTEGRITY' });

    await copy(other.store, genuine.store, CONFIG_KEY);
    await expect(unwrapStandbyPairing(genuine.store, identity, pin)).rejects.toMatchObject({ code: 'INTEGRITY' });
  });

  it('says a standby that was never paired, or was removed, is not paired', async () => {
    const identity = await generateX25519Identity();
    const { tv, store } = await pairedVault('unwrap-removed', identity);
    await expect(unwrapStandbyPairing(store, await generateX25519Identity())).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await new StandbyService(tv.services, s3ObjectStores).remove('nas');
    await expect(unwrapStandbyPairing(store, identity)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
