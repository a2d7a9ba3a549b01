import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/contract/reply.js';
import { recoveryKeyGroups } from '../../../shared/recovery-key-groups.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { AppCore } from './app-core.js';
import { createRouter } from './router.js';

const PASSWORD = 'correct horse battery';

function unwrap<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.code}: ${reply.message}`);
  return reply.data as T;
}

describe('the first run through the router', () => {
  it('records its step and the confirmed recovery key in the vault; a restart resumes it and offers a new key', async () => {
    const root = await mkdtemp(join(tmpdir(), 'afterword-setup-'));
    const deps = {
      vaultDir: join(root, 'vault'),
      clock: new ManualClock(Date.UTC(2027, 0, 1)),
      keyStore: new FileKeyStore(join(root, 'keys')),
      scrypt: { logN: 15, r: 8, p: 1 },
    };
    let app = new AppCore(deps);
    const call = async (method: string, input: unknown = {}, role: 'owner' | 'public' = 'owner') =>
      createRouter(app, { validateOutput: true }).call(method, input, { role, transport: 'test' });
    try {
      const { recoveryKey } = unwrap<{ recoveryKey: string }>(
        await call('vault.create', { password: PASSWORD }, 'public'),
      );
      expect(unwrap(await call('vault.status', {}, 'public'))).toMatchObject({
        unlocked: true,
        watching: true,
        setupStep: 'recovery',
      });
      expect(unwrap(await call('setup.get'))).toEqual({
        step: 'recovery',
        recoveryKey,
        recoveryKeyConfirmed: false,
        ownerEmailSet: false,
        vaultDir: deps.vaultDir,
      });
      expect(await call('setup.advance', { to: 'done' })).toMatchObject({ ok: false, code: 'CONFLICT' });
      expect(
        await call('setup.confirmRecoveryKey', { group: 0, value: recoveryKeyGroups(recoveryKey)[1]! }),
      ).toMatchObject({ ok: false, code: 'BAD_REQUEST' });

      // A restart before the confirmation: the step stays, the key shown is gone; a new one is made.
      await app.close();
      app = new AppCore(deps);
      expect(unwrap(await call('vault.status', {}, 'public'))).toMatchObject({
        unlocked: false,
        watching: false,
        setupStep: null,
      });
      unwrap(await call('vault.unlock', { password: PASSWORD }, 'public'));
      expect(unwrap(await call('setup.get'))).toMatchObject({
        step: 'recovery',
        recoveryKey: null,
        recoveryKeyConfirmed: false,
      });
      expect(
        await call('setup.confirmRecoveryKey', { group: 0, value: recoveryKeyGroups(recoveryKey)[0]! }),
      ).toMatchObject({ ok: false, code: 'CONFLICT' });
      const fresh = unwrap<{ recoveryKey: string }>(
        await call('vault.regenerateRecoveryKey', { password: PASSWORD }),
      ).recoveryKey;
      expect(unwrap(await call('setup.get'))).toMatchObject({ step: 'recovery', recoveryKey: fresh });
      expect(
        unwrap(await call('setup.confirmRecoveryKey', { group: 2, value: recoveryKeyGroups(fresh)[2]!.toLowerCase() })),
      ).toMatchObject({
        step: 'owner',
        recoveryKey: null,
        recoveryKeyConfirmed: true,
      });
      expect(unwrap(await call('setup.advance', { to: 'test' }))).toMatchObject({ step: 'test' });
      expect(unwrap(await call('setup.advance', { to: 'done' }))).toMatchObject({ step: 'done', ownerEmailSet: false });
      expect(unwrap(await call('vault.status', {}, 'public'))).toMatchObject({ setupStep: 'done' });
      const problems = unwrap<{ problems: { code: string }[] }>(await call('status.get')).problems;
      expect(problems.map((p) => p.code)).toContain('SETUP_UNFINISHED');

      // Locked, the scheduler still runs, and vault.status (public) says so.
      unwrap(await call('vault.lock'));
      expect(unwrap(await call('vault.status', {}, 'public'))).toMatchObject({
        unlocked: false,
        watching: true,
        setupStep: null,
      });
    } finally {
      await app.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
