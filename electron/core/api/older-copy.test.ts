// A vault put back to an older copy, through the router as the UI calls it: vault.status says so
// instead of failing, vault.unlock refuses it until the owner says it was a deliberate restore,
// and even then only with the password; the choice is in the audit log and the mark moves back.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/contract/reply.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { AppCore, type AppCoreDeps } from './app-core.js';
import { createRouter } from './router.js';

const PASSWORD = 'correct horse battery';
let root: string | null = null;
let app: AppCore | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
  if (root) await rm(root, { recursive: true, force: true });
  root = null;
});

function unwrap<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.code}: ${reply.message}`);
  return reply.data as T;
}

async function olderCopy(): Promise<AppCoreDeps> {
  root = await mkdtemp(join(tmpdir(), 'afterword-older-'));
  const deps: AppCoreDeps = {
    vaultDir: join(root, 'vault'),
    clock: new ManualClock(Date.UTC(2027, 0, 1)),
    keyStore: new FileKeyStore(join(root, 'keys')),
    marks: new FileKeyStore(join(root, 'marks')),
    scrypt: { logN: 15, r: 8, p: 1 },
  };
  app = new AppCore(deps);
  const call = (method: string, input: unknown = {}) =>
    createRouter(app!, { validateOutput: true }).call(method, input, { role: 'owner', transport: 'test' });
  unwrap(await call('vault.create', { password: PASSWORD }));
  await app.close();
  await cp(deps.vaultDir, join(root, 'old'), { recursive: true });
  app = new AppCore(deps);
  unwrap(await call('vault.unlock', { password: PASSWORD }));
  unwrap(await call('checkin'));
  await app.close();
  app = null;
  await rm(deps.vaultDir, { recursive: true });
  await cp(join(root, 'old'), deps.vaultDir, { recursive: true });
  return deps;
}

describe('an older copy of the vault, in the UI', () => {
  it('is reported by vault.status and refused by a plain unlock', async () => {
    const deps = await olderCopy();
    app = new AppCore(deps);
    const router = createRouter(app, { validateOutput: true });
    const call = (method: string, input: unknown = {}) =>
      router.call(method, input, { role: 'public', transport: 'test' });
    expect(unwrap(await call('vault.status'))).toMatchObject({ exists: true, unlocked: false, olderCopy: 'older' });
    expect(await call('vault.unlock', { password: PASSWORD })).toMatchObject({ ok: false, code: 'INTEGRITY' });
    // The password is still required: a wrong one opens nothing and the copy stays refused.
    expect(await call('vault.unlock', { password: 'not the password', acceptOlderVault: true })).toMatchObject({
      ok: false,
      code: 'WRONG_PASSWORD',
    });
    expect(unwrap(await call('vault.status'))).toMatchObject({ unlocked: false, olderCopy: 'older' });
    expect(await call('vault.unlock', { password: PASSWORD, acceptOlderVault: false })).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST',
    });
  });

  it('opens with the password when the owner says the restore was deliberate; audited; then it is the copy this machine knows', async () => {
    const deps = await olderCopy();
    app = new AppCore(deps);
    let router = createRouter(app, { validateOutput: true });
    const call = (method: string, input: unknown = {}, role: 'owner' | 'public' = 'public') =>
      router.call(method, input, { role, transport: 'test' });
    unwrap(await call('vault.unlock', { password: PASSWORD, acceptOlderVault: true }));
    const status = unwrap<Record<string, unknown>>(await call('vault.status'));
    expect(status).toMatchObject({ unlocked: true, watching: true });
    expect(status.olderCopy).toBeUndefined();
    const rows = unwrap<{ rows: { action: string; detail: Record<string, unknown> }[] }>(
      await call('audit.page', { limit: 20 }, 'owner'),
    ).rows;
    expect(rows.find((r) => r.action === 'vault.older_accepted')?.detail).toMatchObject({ found: 'older' });
    expect(unwrap(await call('audit.verify', {}, 'owner'))).toMatchObject({ ok: true });
    await app.close();

    app = new AppCore(deps);
    router = createRouter(app, { validateOutput: true });
    expect(unwrap<Record<string, unknown>>(await call('vault.status')).olderCopy).toBeUndefined();
    unwrap(await call('vault.unlock', { password: PASSWORD }));
  });
});
