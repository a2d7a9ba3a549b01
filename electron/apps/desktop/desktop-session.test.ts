// The desktop's main side over a real vault (SQLite in a temp dir, the real AppCore, router,
// scheduler and outbox), wired as main.ts wires it: the window's calls go through registerIpc with
// a fake ipcMain; an in-memory key store and a recording notifier stand in for safeStorage and the tray.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../../shared/durations.js';
import type { Reply } from '../../../shared/contract/reply.js';
import { createRouter } from '../../core/api/router.js';
import { createTestVault, TEST_PASSWORD, type TestVault } from '../../core/test-support/vault-fixture.js';
import type { KeyStore } from '../../core/ports/key-store.js';
import type { DesktopPrompt, Notifier } from '../../core/ports/notifier.js';
import { createDesktopAppCore } from './desktop-app-core.js';
import { DesktopSession } from './desktop-session.js';
import { EVENT_CHANNEL, RPC_CHANNEL } from './ipc-channels.js';
import { registerIpc, type IpcEventLike } from './ipc.js';
import { LazyKeyStore } from './lazy-key-store.js';
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

const open: { session: DesktopSession; tv: TestVault; unregister: () => void }[] = [];
afterEach(async () => {
  for (const { session, tv, unregister } of open.splice(0)) {
    unregister();
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

const APP_FRAME: IpcEventLike = { senderFrame: { url: 'app://app/index.html', parent: null } };

async function startSession(
  tv: TestVault,
  store: KeyStore | (() => KeyStore),
  vaultDir = join(tv.root, 'vault'),
  notifyGate?: () => Promise<void>,
) {
  const states: TrayState[] = [];
  const prompts: DesktopPrompt[] = [];
  const log = memoryLogger();
  const keyStore = new LazyKeyStore(typeof store === 'function' ? store : () => store);
  const app = createDesktopAppCore({
    vaultDir,
    clock: tv.clock,
    keyStore,
    notifierFor: (recorder: Notifier): Notifier => ({
      async notify(prompt) {
        await notifyGate?.();
        await recorder.notify(prompt);
        prompts.push(prompt);
      },
    }),
    scrypt: { logN: 15, r: 8, p: 1 },
  });
  const router = createRouter(app, { validateOutput: true, logger: log });
  const session = await DesktopSession.start({
    app,
    router,
    keyStore,
    clock: tv.clock,
    onState: (s) => void states.push(s),
    log,
    cron: '0 0 1 1 *',
  });

  // The window, as main.ts connects it.
  let rpc: ((event: IpcEventLike, ...args: unknown[]) => unknown) | null = null;
  const pushed: unknown[] = [];
  const unregister = registerIpc({
    ipcMain: { handle: (_channel, listener) => void (rpc = listener), removeHandler: () => void (rpc = null) },
    router,
    app,
    webContents: () => ({
      isDestroyed: () => false,
      getURL: () => 'app://app/index.html',
      send: (channel, message) => void (channel === EVENT_CHANNEL && pushed.push(message)),
    }),
    onReply: (method, reply) => session.afterCall(method, reply),
    log,
  });
  const ipc = async (method: string, input: unknown = {}): Promise<Reply<unknown>> =>
    (await rpc!(APP_FRAME, { method, input })) as Reply<unknown>;
  open.push({ session, tv, unregister });
  return { app, router, session, states, prompts, log, pushed, ipc, last: () => states.at(-1)!, channel: RPC_CHANNEL };
}

describe('DesktopSession with unattended delivery', () => {
  it("runs on the device key; locking the UI does not stop warnings; I'm here answers them", async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    const s = await startSession(tv, store);
    expect(s.session.watching).toBe(true);
    expect(s.session.unattended).toBe(true);
    expect(s.session.uiUnlocked).toBe(false);

    await s.session.runNow('test'); // arms the plan
    await s.session.lock('suspend'); // nothing to lock in the UI: the scheduler is unaffected
    expect(s.session.watching).toBe(true);

    tv.clock.advance(11 * MINUTE_MS);
    await s.session.runNow('test');
    expect(s.prompts.map((p) => p.level)).toEqual([1]);
    expect(s.last()).toMatchObject({ watching: true, level: 1, uiUnlocked: false });

    const answer = await s.session.checkIn('tray');
    expect(answer.transitions.length).toBeGreaterThan(0);
    expect(s.last()).toMatchObject({ watching: true, level: 0 });
    expect(s.last().nextEvent?.at).toBe(tv.clock.now() + 10 * MINUTE_MS);
    // The locked window heard none of it (only lock changes reach a locked window).
    expect(s.pushed).toEqual([]);
  });

  it('unlocking (through IPC) and locking the UI leaves the device-key scheduler running', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    const s = await startSession(tv, store);
    expect(await s.session.settings()).toBeNull();
    expect(await s.ipc('vault.unlock', { password: TEST_PASSWORD })).toEqual({ ok: true, data: { ok: true } });
    expect(s.session.uiUnlocked).toBe(true);
    expect(s.last()).toMatchObject({ watching: true, uiUnlocked: true });
    // The settings the shell applies are the ones the window shows (same keys, same defaults).
    expect(await s.ipc('settings.set', { autoLockMinutes: 5, startAtLogin: false })).toMatchObject({ ok: true });
    expect(await s.session.settings()).toEqual({ autoLockMinutes: 5, startAtLogin: false });

    await s.session.lock('idle');
    expect(s.session.uiUnlocked).toBe(false);
    expect(s.app.vaultOrThrow().isUnlocked).toBe(true); // the scheduler's key stays
    expect(s.session.watching).toBe(true);
    expect(s.last()).toMatchObject({ watching: true, uiUnlocked: false });
    expect(s.pushed).toEqual([
      { event: 'vault.lockChanged', payload: { unlocked: true } },
      { event: 'vault.lockChanged', payload: { unlocked: false } },
    ]);
    // The window is now a public caller again.
    expect(await s.ipc('messages.list')).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
  });

  it('a changed key store backend is refused loudly and shown', async () => {
    const store = new MemoryKeyStore('safeStorage:kwallet5');
    const tv = await makeVault({ unattended: store });
    const moved = new MemoryKeyStore('safeStorage:gnome_libsecret');
    for (const [k, v] of store.secrets) moved.secrets.set(k, v);
    const s = await startSession(tv, moved);
    expect(s.session.watching).toBe(false);
    expect(s.last().watching).toBe(false);
    expect(s.last().notWatchingReason).toMatch(
      /changed from "safeStorage:kwallet5" to "safeStorage:gnome_libsecret".*unlock with your password/,
    );
  });

  it('a key store that refuses to be built (basic_text) leaves it not watching, with the reason', async () => {
    const tv = await makeVault({ unattended: new MemoryKeyStore() });
    const s = await startSession(tv, () => {
      throw new Error('no keyring: basic_text');
    });
    expect(s.session.watching).toBe(false);
    expect(s.last().notWatchingReason).toMatch(/basic_text.*unlock with your password/);
    // The password still works, and then the scheduler runs on it, and goes on after locking
    // (unattended delivery is on: the owner asked for warnings to go on without them).
    expect(await s.ipc('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({ ok: true });
    expect(s.session.watching).toBe(true);
    await s.session.lock('lock-screen');
    expect(s.session.watching).toBe(true);
  });

  it('a missing device key is explained', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    store.secrets.clear();
    const s = await startSession(tv, store);
    expect(s.last().notWatchingReason).toMatch(/did not open this vault.*unlock with your password/);
  });
});

describe('DesktopSession without unattended delivery', () => {
  it('waits for the password; once unlocked, locking the UI keeps the scheduler running', async () => {
    const tv = await makeVault();
    const s = await startSession(tv, new MemoryKeyStore());
    expect(s.session.watching).toBe(false);
    expect(s.last()).toMatchObject({
      vaultExists: true,
      watching: false,
      notWatchingReason: expect.stringMatching(/^locked/),
    });
    await expect(s.session.checkIn('tray')).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(await s.session.settings()).toBeNull();

    expect(await s.ipc('vault.unlock', { password: 'wrong password here' })).toMatchObject({
      ok: false,
      code: 'WRONG_PASSWORD',
    });
    expect(await s.ipc('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({ ok: true });
    expect(s.session.watching).toBe(true);
    await s.session.runNow('test');
    expect(s.last()).toMatchObject({ watching: true, uiUnlocked: true });

    await s.session.lock('lock-screen');
    expect(s.session.watching).toBe(true);
    expect(s.app.vaultOrThrow().isUnlocked).toBe(true); // the scheduler's key stays for the life of the process
    expect(s.last()).toMatchObject({ watching: true, uiUnlocked: false, notWatchingReason: null });
  });

  it('turning unattended delivery on (through IPC) keeps the scheduler running after locking', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault();
    const s = await startSession(tv, store);
    await s.ipc('vault.unlock', { password: TEST_PASSWORD });
    expect(await s.ipc('vault.setUnattended', { enabled: true })).toMatchObject({
      ok: true,
      data: { unattended: { enabled: true, backend: 'safeStorage:test' } },
    });
    expect(s.session.unattended).toBe(true);
    await s.session.lock('idle');
    expect(s.session.watching).toBe(true);
  });

  it("the window's check-in reaches the tray and the window as plan.stateChanged", async () => {
    const tv = await makeVault();
    const s = await startSession(tv, new MemoryKeyStore());
    await s.ipc('vault.unlock', { password: TEST_PASSWORD });
    await s.session.runNow('test');
    tv.clock.advance(11 * MINUTE_MS);
    await s.session.runNow('test');
    expect(s.last().level).toBe(1);
    const reply = await s.ipc('checkin');
    expect(reply).toMatchObject({ ok: true });
    expect(s.last().level).toBe(0);
    expect(s.pushed).toContainEqual({
      event: 'plan.stateChanged',
      payload: expect.objectContaining({ to: expect.any(String) }),
    });
    expect(s.pushed).toContainEqual({ event: 'warning.awaiting', payload: expect.objectContaining({ level: 1 }) });
  });

  it('resume catches the scheduler up at once', async () => {
    const tv = await makeVault();
    const s = await startSession(tv, new MemoryKeyStore());
    await s.session.resume(); // not watching: nothing to do
    await s.ipc('vault.unlock', { password: TEST_PASSWORD });
    await s.session.runNow('test');
    tv.clock.advance(11 * MINUTE_MS); // "asleep"
    await s.session.resume();
    expect(s.prompts.map((p) => p.level)).toEqual([1]);
  });

  it('without a vault it says so; creating one (through IPC) unlocks it and starts watching', async () => {
    const tv = await createTestVault({ prefix: 'afterword-session-' });
    await tv.vault.close();
    const s = await startSession(tv, new MemoryKeyStore(), join(tv.root, 'elsewhere'));
    expect(s.last()).toMatchObject({ vaultExists: false, watching: false, notWatchingReason: 'no vault yet' });
    await s.session.lock('idle');
    await s.session.resume();

    const created = await s.ipc('vault.create', { password: TEST_PASSWORD });
    expect(created).toMatchObject({ ok: true, data: { recoveryKey: expect.stringMatching(/\S{20,}/) } });
    expect(s.session.watching).toBe(true);
    expect(s.last()).toMatchObject({ vaultExists: true, watching: true, uiUnlocked: true });
    expect(await s.ipc('vault.create', { password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });

  it('close() stops the scheduler and closes the vault; a second close is harmless', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    const s = await startSession(tv, store);
    expect(s.session.watching).toBe(true);
    await s.session.close();
    await s.session.close();
    expect(s.session.watching).toBe(false);
    expect(() => s.app.vaultOrThrow()).toThrow();
  });
});

describe('DesktopSession and the OS keyring', () => {
  it('does not build the key store (no keychain prompt) at launch while unattended delivery is off', async () => {
    const tv = await makeVault();
    let builds = 0;
    const s = await startSession(tv, () => {
      builds++;
      return new MemoryKeyStore();
    });
    expect(s.session.watching).toBe(false);
    await s.session.retryDeviceKey();
    expect(builds).toBe(0);
  });

  it('tries the device key again once the keyring appears after login, and the tray says so', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    let keyringUp = false;
    const s = await startSession(tv, () => {
      if (!keyringUp) throw new Error('the OS key store (gnome_libsecret) is not available right now');
      return store;
    });
    expect(s.session.watching).toBe(false);
    expect(s.last().notWatchingReason).toMatch(/not available right now/);
    expect(await s.session.retryDeviceKey()).toBe(false);

    keyringUp = true;
    expect(await s.session.retryDeviceKey()).toBe(true);
    expect(s.session.watching).toBe(true);
    expect(s.session.uiUnlocked).toBe(false);
    expect(s.last()).toMatchObject({ watching: true, uiUnlocked: false });
  });

  it('a working key store without the right key is not retried (no reopening every minute)', async () => {
    const store = new MemoryKeyStore();
    const tv = await makeVault({ unattended: store });
    store.secrets.clear();
    let builds = 0;
    const s = await startSession(tv, () => {
      builds++;
      return store;
    });
    expect(s.session.watching).toBe(false);
    expect(await s.session.retryDeviceKey()).toBe(false);
    expect(await s.session.retryDeviceKey()).toBe(false);
    expect(builds).toBe(1);
    expect(s.last().notWatchingReason).toMatch(/did not open this vault/);
  });
});

describe('DesktopSession.lock', () => {
  it('locks at once, without waiting for a send in flight (sleep could come half-way)', async () => {
    const tv = await makeVault();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    const s = await startSession(tv, new MemoryKeyStore(), join(tv.root, 'vault'), async () => {
      holding = true;
      await held;
    });
    await s.ipc('vault.unlock', { password: TEST_PASSWORD });
    await s.session.runNow('test'); // arms the plan
    tv.clock.advance(11 * MINUTE_MS);
    const run = s.session.runNow('test'); // the desktop warning hangs in the notifier
    while (!holding) await new Promise((r) => setImmediate(r));

    let locked = false;
    const locking = s.session.lock('suspend').then(() => (locked = true));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(locked).toBe(true);
    expect(s.session.uiUnlocked).toBe(false);

    release();
    await Promise.all([locking, run]);
  });
});
