// standby.list / standby.add / standby.remove through the router, as the UI calls them: a real
// vault, a real S3 server (s3rver on loopback), the contract's output checked on every reply.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/contract/reply.js';
import { parseStandbyCode } from '../../../shared/standby-code.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { writeStandbyAlive } from '../standby/standby-alive.js';
import { unwrapStandbyPairing } from '../standby/standby-unwrap.js';
import { AppCore } from './app-core.js';
import { createRouter } from './router.js';

let server: S3rverProcess;
let root: string;
beforeAll(async () => {
  server = await startS3rver();
  root = await mkdtemp(join(tmpdir(), 'afterword-standby-api-'));
}, 30_000);
afterAll(async () => {
  await stopS3rver(server);
  await rm(root, { recursive: true, force: true });
});

const newStandby = async (): Promise<{ identity: string; code: string }> => {
  const identity = await generateX25519Identity();
  return { identity, code: await identityToRecipient(identity) };
};

describe('standby methods', { timeout: 120_000 }, () => {
  it('pair, list with the sign of life, refuse what is wrong, and remove', async () => {
    const clock = new ManualClock(Date.UTC(2027, 0, 1));
    const app = new AppCore({
      vaultDir: join(root, 'vault'),
      clock,
      keyStore: new FileKeyStore(join(root, 'keys')),
      marks: new FileKeyStore(join(root, 'marks')),
      scrypt: { logN: 15, r: 8, p: 1 },
      objectStores: s3ObjectStores,
    });
    const router = createRouter(app, { validateOutput: true });
    const call = (method: string, input: unknown = {}): Promise<Reply<unknown>> =>
      router.call(method, input, { role: 'owner', transport: 'test' });
    const data = async <T>(method: string, input: unknown = {}): Promise<T> => {
      const reply = await call(method, input);
      if (!reply.ok) throw new Error(`${method}: ${reply.code} ${reply.message}`);
      return reply.data as T;
    };
    try {
      await data('vault.create', { password: 'correct horse battery' });
      const nas = await newStandby();
      expect(await call('standby.add', { name: 'nas', code: nas.code })).toMatchObject({
        ok: false,
        code: 'BACKUP_NOT_CONFIGURED',
      });
      expect(await data('standby.list')).toEqual({ standbys: [], bucketError: null });

      const target = server.target('api-standby');
      await data('backup.setTarget', { ...target, ca: null });
      expect(await call('standby.add', { name: 'nas', code: 'age1nope' })).toMatchObject({
        ok: false,
        code: 'BAD_REQUEST',
      });
      expect(await call('standby.add', { name: 'Big NAS', code: nas.code })).toMatchObject({
        ok: false,
        code: 'BAD_REQUEST',
      });
      const fingerprint = parseStandbyCode(nas.code)!.fingerprint;
      const { standby } = await data<{ standby: unknown }>('standby.add', { name: 'nas', code: nas.code });
      expect(standby).toEqual({ name: 'nas', fingerprint, addedAt: clock.now(), lastSeen: null });
      expect(await call('standby.add', { name: 'nas', code: (await newStandby()).code })).toMatchObject({
        ok: false,
        code: 'CONFLICT',
      });

      const store = s3ObjectStores(target);
      await writeStandbyAlive(store, clock, fingerprint);
      const listed = await data<{ standbys: { lastSeen: number | null }[] }>('standby.list');
      expect(listed.standbys).toEqual([
        { name: 'nas', fingerprint, addedAt: expect.any(Number), lastSeen: expect.any(Number) },
      ]);
      expect((await unwrapStandbyPairing(store, nas.identity)).name).toBe('nas');

      expect(await call('standby.remove', { name: 'vps' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      expect(await data('standby.remove', { name: 'nas' })).toEqual({ ok: true });
      expect(await data('standby.list')).toEqual({ standbys: [], bucketError: null });
      await expect(unwrapStandbyPairing(store, nas.identity)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      store.close?.();

      await data('vault.lock');
      expect(await call('standby.list')).toMatchObject({ ok: false });
    } finally {
      await app.close();
    }
  });
});
