// The session over a real vault (SQLite in a temp dir, the real scheduler and outbox), with an
// in-memory key store and a recording notifier in place of safeStorage and the tray.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../shared/durations.js';
import { createTestVault, TEST_PASSWORD, type TestVault } from '../core/test-support/vault-fixture.js';
import type { KeyStore } from '../ports/key-store.js';
import type { DesktopPrompt, Notifier } from '../ports/notifier.js';
import { DesktopSession } from './desktop-session.js';
import { memoryLogger } from './test-support/memory-logger.js';
import type { TrayState } from './tray-menu.js';

class MemoryKeyStore implements KeyStore {
  readonly secrets = new Map<string, Uint8Array>();
  constructor(readonly backend = 'safeStorage:test') {}
  async get(account: string) {
    return this.secrets.get(account) ?? null;
  }
  async set(account: string, secret: Uint8Array) {
    this.secrets.set(account, new Uint8Array(secret));
  }
  async delete(account: string) {
    this.secrets.delete(account);
  }
}

const open: { session: DesktopSession; tv: TestVault }[] = [];
afterEach(async () => {
  for (const { session, tv } of open.splice(0)) {
    await session.close();
    await tv.dispose();
  }
});

/** A vault with a 10-minute plan (level 1 on the desktop) and one active message; then closed. */
async function makeVault(options: { unattended?: MemoryKeyStore } = {}) {
  const tv = await createTestVault({ prefix: 'afterword-session-' });
  const { services } = tv;
  const plan = services.plans.create({
    name: 'Family',
    intervalMs: 10 * MINUTE_MS,
    levels: Array.from({ length: 5 }, () => ({ waitMs: 5 * MINUTE_MS, channels: ['desktop' as const] })),
  });
  const anna = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
  services.messages.create({ title: 'For Anna', body: 'the keys', planId: plan.id, recipientIds: [anna.id] });
  if (options.unattended) await tv.vault.enableDeviceKey(options.unattended);
  await tv.vault.close();
  return tv;
}

async function startSession(tv: TestVault, store: KeyStore | (() => KeyStore)) {
  const states: TrayState[] = [];
  const prompts: DesktopPrompt[] = [];
  const log = memoryLogger();
  const session = await DesktopSession.start({
    vaultDir: join(tv.root, 'vault'),
    clock: tv.clock,
    keyStore: typeof store === 'function' ? store : () => store,
    notifierFor: (recorder: Notifier): Notifier => ({
      async notify(prompt) {
        await recorder.notify(prompt);
        prompts.push(prompt);
      },
    }),
    onState: (s) => void states.push(s),
    log,
    cron: '0 0 1 1 *',
    scrypt: { logN: 15, r: 8, p: 1 },
  });
  open.push({ session, tv });
  return { session, states, prompts, log, last: () => states.at(-1)! };
}

describe('DesktopSession with unattended delivery', () => {
  it('runs on the device key; locking the UI does not stop warnings; I\'m here answers them', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    const s = await startSession(tv, store);
    expect(s.session.watching).toBe('device');
    expect(s.session.uiUnlocked).toBe(false);

    await s.session.runNow('test'); // arms the plan
    await s.session.lock('suspend'); // nothing to lock in the UI: the scheduler is unaffected
    expect(s.session.watching).toBe('device');

    tv.clock.advance(11 * MINUTE_MS);
    await s.session.runNow('test');
    expect(s.prompts.map((p) => p.level)).toEqual([1]);
    expect(s.last()).toMatchObject({ watching: true, level: 1, uiUnlocked: false });

    await s.session.checkIn('tray');
    expect(s.last()).toMatchObject({ watching: true, level: 0 });
    expect(s.last().nextEvent?.at).toBe(tv.clock.now() + 10 * MINUTE_MS);
  });

  it('unlocking and locking the UI leaves the device-key scheduler running', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    const s = await startSession(tv, store);
    await s.session.unlock(TEST_PASSWORD);
    expect(s.session.uiUnlocked).toBe(true);
    expect(s.session.withSettings((settings) => settings.get('autoLockMinutes') ?? 'unset')).toBe('unset');
    await s.session.lock('idle');
    expect(s.session.uiUnlocked).toBe(false);
    expect(s.session.vault?.isUnlocked).toBe(false);
    expect(s.session.watching).toBe('device');
    expect(s.last()).toMatchObject({ watching: true, uiUnlocked: false });
  });

  it('a changed key store backend is refused loudly and shown', async () => {
    const store = new MemoryKeyStore('safeStorage:kwallet5');
    const tv = await makeVault({ unattended: store });
    const moved = new MemoryKeyStore('safeStorage:gnome_libsecret');
    moved.secrets.clear();
    for (const [k, v] of store.secrets) moved.secrets.set(k, v);
    const s = await startSession(tv, moved);
    expect(s.session.watching).toBeNull();
    expect(s.last().watching).toBe(false);
    expect(s.last().notWatchingReason).toMatch(/changed from "safeStorage:kwallet5" to "safeStorage:gnome_libsecret".*unlock with your password/);
  });

  it('a key store that refuses to be built (basic_text) leaves it not watching, with the reason', async () => {
    const tv = await makeVault({ unattended: new MemoryKeyStore() });
    const s = await startSession(tv, () => {
      throw new Error('unattended unlock is not available: basic_text');
    });
    expect(s.session.watching).toBeNull();
    expect(s.last().notWatchingReason).toMatch(/basic_text/);
    // The password still works, and then the scheduler runs on it.
    await s.session.unlock(TEST_PASSWORD);
    expect(s.session.watching).toBe('password');
  });
});

describe('DesktopSession without unattended delivery', () => {
  it('waits for the password; locking stops the scheduler and says so', async () => {
    const tv = await makeVault();
    const s = await startSession(tv, new MemoryKeyStore());
    expect(s.session.watching).toBeNull();
    expect(s.last()).toMatchObject({ vaultExists: true, watching: false, notWatchingReason: expect.stringMatching(/^locked/) });
    await expect(s.session.checkIn('tray')).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(s.session.withSettings(() => 1)).toBeNull();

    await expect(s.session.unlock('wrong password here')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await s.session.unlock(TEST_PASSWORD);
    expect(s.session.watching).toBe('password');
    await s.session.runNow('test');
    expect(s.last()).toMatchObject({ watching: true, uiUnlocked: true });

    await s.session.lock('lock-screen');
    expect(s.session.watching).toBeNull();
    expect(s.session.vault?.isUnlocked).toBe(false);
    expect(s.last()).toMatchObject({ watching: false, uiUnlocked: false, notWatchingReason: expect.stringMatching(/^locked/) });
  });

  it('turning unattended delivery on moves the scheduler to the device key', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault();
    const s = await startSession(tv, store);
    await s.session.unlock(TEST_PASSWORD);
    await s.session.vault!.enableDeviceKey(store);
    await s.session.reconcileUnattended();
    expect(s.session.watching).toBe('device');
    await s.session.lock('idle');
    expect(s.session.watching).toBe('device');
  });

  it('without a vault it says so; create() makes one, unlocked and watched', async () => {
    const tv = await createTestVault({ prefix: 'afterword-session-' });
    await tv.vault.close();
    const s = await startSession({ ...tv, root: join(tv.root, 'elsewhere') }, new MemoryKeyStore());
    expect(s.session.vault).toBeNull();
    expect(s.last()).toMatchObject({ vaultExists: false, watching: false });
    await s.session.lock('idle');
    await s.session.resume();

    const recoveryKey = await s.session.create(TEST_PASSWORD);
    expect(recoveryKey).toMatch(/\S{20,}/);
    expect(s.session.watching).toBe('password');
    expect(s.last()).toMatchObject({ vaultExists: true, watching: true, uiUnlocked: true });
    await expect(s.session.create(TEST_PASSWORD)).rejects.toMatchObject({ code: 'VAULT_EXISTS' });
  });
});
