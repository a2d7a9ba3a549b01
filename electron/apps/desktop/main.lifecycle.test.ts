// The compiled main entry under a fake `electron` that keeps Electron's lifecycle (see
// test-support/fake-electron): `ready` comes only after the entry module has evaluated.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it as sequentialIt, type TestContext } from 'vitest';
import { VaultProcessLock } from '../../node/vault-process-lock.js';
import { startShell, type ShellOptions, type ShellProcess } from './test-support/fake-electron/lifecycle-harness.js';
import type { FakeRecord } from './test-support/fake-electron/fake-electron.js';

// Every test starts its own shells in their own directories: the tests run side by side (each
// shell is a Node process that mostly waits for the next event), which shortens the file a lot.
const it = sequentialIt.concurrent;

type Start = (env?: Record<string, string>, args?: string[]) => Promise<ShellProcess>;

/** Starts shells for the test of `context`; they are stopped when that test finishes. */
function shellsOf(context: TestContext): { start: Start; startIn(options: ShellOptions): Promise<ShellProcess> } {
  const running: ShellProcess[] = [];
  context.onTestFinished(async () => {
    for (const shell of running.splice(0)) await shell.stop();
  });
  const startIn = async (options: ShellOptions): Promise<ShellProcess> => {
    const shell = await startShell(options);
    running.push(shell);
    return shell;
  };
  return { start: (env = {}, args) => startIn({ env, args }), startIn };
}

const is = (what: string) => (r: FakeRecord) => r.what === what;
const index = (records: FakeRecord[], what: string) => records.findIndex(is(what));

describe('the desktop app as Electron starts it', () => {
  it('registers app:// before ready, opens the window on app://app, creates the tray, and quits cleanly', async (context) => {
    const { start } = shellsOf(context);
    const shell = await start();
    await shell.waitFor((r) => r.what === 'loadURL', 'loading the window');
    await shell.waitFor(is('Tray.new'), 'creating the tray');
    const records = shell.records();
    expect(records.find(is('error'))).toBeUndefined();
    expect(index(records, 'entry.evaluated')).toBeGreaterThanOrEqual(0);
    const registered = records.find(is('protocol.registerSchemesAsPrivileged'));
    expect(registered).toMatchObject({ ready: false, schemes: ['app'] });
    expect(records.find(is('protocol.handle'))).toMatchObject({ ready: true, scheme: 'app' });
    expect(String(records.find(is('loadURL'))?.url)).toMatch(/^app:\/\/app\//);

    await shell.send({ cmd: 'tray-click', label: 'Quit' });
    expect(await shell.exited).toBe(0);
    const after = shell.records();
    expect(after.find(is('process.exit'))).toMatchObject({ code: 0, how: 'quit' });
  });

  it('a failure during startup shows a dialog and exits, instead of hanging without a window or tray', async (context) => {
    const { start } = shellsOf(context);
    const shell = await start({ FAKE_ELECTRON_TRAY_FAILS: '1' });
    expect(await shell.exited).toBe(1);
    const shown = shell.records().find(is('dialog.showErrorBox'));
    expect(shown).toMatchObject({ title: 'Afterword could not start' });
    expect(String(shown?.content)).toContain('Failed to create the tray icon');
  });

  it('a vault already run by `afterword serve` is not run a second time: a dialog names the holder, and it exits', async (context) => {
    const dir = await mkdtemp(join(tmpdir(), 'afterword-shell-held-'));
    await mkdir(join(dir, 'vault'));
    const held = await VaultProcessLock.acquire(join(dir, 'vault'), 'afterword serve');
    try {
      const shell = await shellsOf(context).startIn({ dir });
      expect(await shell.exited).toBe(1);
      const shown = shell.records().find(is('dialog.showErrorBox'));
      expect(shown).toMatchObject({ title: 'Afterword could not start' });
      expect(String(shown?.content)).toMatch(new RegExp(`already run by \`afterword serve\` \\(pid ${process.pid} `));
      expect(shell.records().find(is('loadURL'))).toBeUndefined();
    } finally {
      await held.release();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('started hidden (at login), it opens no window; a second launch during startup opens it once started', async (context) => {
    const { start } = shellsOf(context);
    const hidden = await start({}, ['--hidden']);
    // IPC is registered at the end of startup, in the same turn as the decision to open a window.
    await hidden.waitFor(is('ipcMain.handle'), 'finishing startup');
    expect(hidden.records().find(is('BrowserWindow.new'))).toBeUndefined();

    const shell = await start({ FAKE_ELECTRON_SECOND_INSTANCE_AT_READY: '1' }, ['--hidden']);
    await shell.waitFor(is('loadURL'), 'opening the window');
    const records = shell.records();
    expect(index(records, 'second-instance')).toBeLessThan(index(records, 'Tray.new')); // it came during startup
  });
});

type Reply = { ok: boolean; code?: string; data?: unknown };
type State = {
  windows: { id: number; visible: boolean; minimized: boolean; url: string }[];
  tray: { tooltip: string; items: { label: string; enabled: boolean }[] } | null;
  appMenu: string[] | null;
};
const PASSWORD = 'correct horse battery staple';

async function startedWithVault(start: Start, env: Record<string, string> = {}): Promise<ShellProcess> {
  const shell = await start(env);
  await shell.waitFor(is('loadURL'), 'loading the window');
  await shell.waitFor(is('ipcMain.handle'), 'registering IPC');
  const created = await shell.send<Reply>({ cmd: 'invoke', method: 'vault.create', input: { password: PASSWORD } });
  expect(created.ok).toBe(true);
  return shell;
}

const unlocked = async (shell: ShellProcess) =>
  ((await shell.send<Reply>({ cmd: 'invoke', method: 'vault.status' })).data as { unlocked: boolean }).unlocked;

describe('closing the window', () => {
  it('locks the UI and hides the window to the tray; the tray and a second launch show it locked', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { AFTERWORD_TRAY: 'on' });
    expect(await unlocked(shell)).toBe(true);

    expect(await shell.send({ cmd: 'close-window' })).toBe(false); // prevented: hidden, not closed
    await shell.waitFor(is('window.hide'), 'hiding the window');
    expect(await unlocked(shell)).toBe(false);
    expect((await shell.send<State>({ cmd: 'state' })).windows).toEqual([expect.objectContaining({ visible: false })]);

    // An owner-only call from the window is refused now: IPC's role follows the UI lock.
    expect((await shell.send<Reply>({ cmd: 'invoke', method: 'messages.list' })).ok).toBe(false);

    await shell.send({ cmd: 'app-emit', event: 'second-instance', args: [[], '/'] });
    expect((await shell.send<State>({ cmd: 'state' })).windows).toEqual([expect.objectContaining({ visible: true })]);
    expect(await unlocked(shell)).toBe(false);
  });

  it('without a tray, asks and keeps the window minimized (locked) rather than hiding it out of reach', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { AFTERWORD_TRAY: 'off' });
    await shell.send({ cmd: 'close-window' });
    const asked = await shell.waitFor(is('dialog.showMessageBox'), 'asking what to do');
    expect(asked.buttons).toEqual(['Keep watching (minimize)', 'Quit Afterword']);
    await shell.waitFor(is('window.minimize'), 'minimizing the window');
    expect(shell.records().find(is('window.hide'))).toBeUndefined();
    expect(await unlocked(shell)).toBe(false);
  });

  it('without a tray, "Quit Afterword" in that question quits', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { AFTERWORD_TRAY: 'off', FAKE_ELECTRON_DIALOG_RESPONSE: '1' });
    await shell.send({ cmd: 'close-window' });
    expect(await shell.exited).toBe(0);
    expect(shell.records().find(is('process.exit'))).toMatchObject({ how: 'quit' });
  });
});

describe('power events', () => {
  it('suspend locks the UI at once; the fake refuses events the platform never sends', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { AFTERWORD_TRAY: 'on', FAKE_ELECTRON_PLATFORM: 'linux' });
    await shell.send({ cmd: 'power', event: 'suspend' });
    expect(await unlocked(shell)).toBe(false);
    await expect(shell.send({ cmd: 'power', event: 'lock-screen' })).rejects.toThrow(
      /does not emit 'lock-screen' on linux/,
    );
  });
});

describe('per platform', () => {
  it('macOS: lock-screen locks the UI; opened as a login item it starts without its window', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { FAKE_ELECTRON_PLATFORM: 'darwin' });
    await shell.send({ cmd: 'power', event: 'lock-screen' });
    expect(await unlocked(shell)).toBe(false);

    const atLogin = await start({ FAKE_ELECTRON_PLATFORM: 'darwin', FAKE_ELECTRON_OPENED_AT_LOGIN: '1' });
    await atLogin.waitFor(is('ipcMain.handle'), 'finishing startup');
    expect(atLogin.records().find(is('BrowserWindow.new'))).toBeUndefined();
  });

  it('Windows, started hidden: a window is kept (never shown) so the session end is heard', async (context) => {
    const { start } = shellsOf(context);
    const shell = await start({ FAKE_ELECTRON_PLATFORM: 'win32' }, ['--hidden']);
    await shell.waitFor(is('ipcMain.handle'), 'finishing startup');
    expect(shell.records().find(is('BrowserWindow.new'))).toMatchObject({ show: false });
    await shell.send({ cmd: 'window-emit', event: 'session-end' });
    expect(await shell.exited).toBe(0);
    expect(shell.records().find(is('window.show'))).toBeUndefined();
  });
});

describe('quitting', () => {
  it('the system shutting down (powerMonitor shutdown, no before-quit) closes the vault and quits', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { AFTERWORD_TRAY: 'on' });
    expect(await shell.send({ cmd: 'power', event: 'shutdown' })).toBe(true); // delayed while closing
    expect(await shell.exited).toBe(0);
    const records = shell.records();
    expect(records.find(is('process.exit'))).toMatchObject({ code: 0, how: 'quit' });
    expect(records.some((r) => r.what === 'tray.setToolTip' && String(r.text).includes('Quitting'))).toBe(true);
  });

  it('the session ending (Windows sends session-end to the window, no before-quit) closes the vault', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { AFTERWORD_TRAY: 'on' });
    await shell.send({ cmd: 'window-emit', event: 'session-end' });
    await shell.waitFor(
      (r) => r.what === 'tray.setToolTip' && String(r.text).includes('Quitting'),
      'saying it is quitting',
    );
  });
});

describe('the window and its menu', () => {
  it('a failed loadURL is reported in a dialog, and the app keeps running from the tray', async (context) => {
    const { start } = shellsOf(context);
    const shell = await start({ FAKE_ELECTRON_LOAD_FAILS: '1' });
    await shell.waitFor(is('dialog.showErrorBox'), 'reporting the failed load');
    expect((await shell.send<State>({ cmd: 'state' })).tray).not.toBeNull();
  });

  it('the packaged menu has no Reload and no DevTools; it has Lock and Quit', async (context) => {
    const { start } = shellsOf(context);
    const shell = await start({ FAKE_ELECTRON_PACKAGED: '1' });
    await shell.waitFor(is('Menu.setApplicationMenu'), 'setting the menu');
    const menu = (await shell.send<State>({ cmd: 'state' })).appMenu ?? [];
    expect(menu.filter((item) => /reload|devtools/i.test(item))).toEqual([]);
    expect(menu).toEqual(expect.arrayContaining(['File/Lock', 'Edit/copy', 'Edit/paste']));
    expect(menu.some((item) => item.startsWith('File/Quit'))).toBe(true);
  });

  it('lets the app://app main frame write to the clipboard (Copy buttons), and nothing else', async (context) => {
    const { start } = shellsOf(context);
    const shell = await start();
    await shell.waitFor(is('session.setPermissionCheckHandler'), 'setting the permission handlers');
    const ask = (permission: string, url: string, isMainFrame = true) =>
      shell.send({ cmd: 'permission', permission, url, isMainFrame });
    expect(await ask('clipboard-sanitized-write', 'app://app/index.html')).toEqual({ checked: true, requested: true });
    expect(await ask('clipboard-sanitized-write', 'app://app/index.html', false)).toEqual({
      checked: false,
      requested: false,
    });
    expect(await ask('clipboard-sanitized-write', 'https://example.com/')).toEqual({
      checked: false,
      requested: false,
    });
    expect(await ask('clipboard-read', 'app://app/index.html')).toEqual({ checked: false, requested: false });
    expect(await ask('notifications', 'app://app/index.html')).toEqual({ checked: false, requested: false });
  });
});

describe('unattended delivery and the OS keyring', () => {
  it('without a keyring (basic_text), turning it on says so with its own code, not "the vault is locked"', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { FAKE_ELECTRON_KEYRING: 'basic_text' });
    const reply = await shell.send<Reply & { message?: string }>({
      cmd: 'invoke',
      method: 'vault.setUnattended',
      input: { enabled: true },
    });
    expect(reply).toMatchObject({ ok: false, code: 'NO_KEYRING' });
    expect(await unlocked(shell)).toBe(true); // nothing was locked
  });

  it('with a keyring, it turns on through the async safeStorage API only; launch did not touch the keyring', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start);
    expect(shell.records().filter((r) => r.what.startsWith('safeStorage'))).toEqual([]);
    const reply = await shell.send<Reply>({ cmd: 'invoke', method: 'vault.setUnattended', input: { enabled: true } });
    expect(reply).toMatchObject({
      ok: true,
      data: { unattended: { enabled: true, backend: 'safeStorage:gnome_libsecret' } },
    });
    expect(shell.records().filter(is('safeStorage.deprecated'))).toEqual([]);
  });
});

describe('notifications where they have no buttons (Linux)', () => {
  it('a click on a notification offers "I\'m here" without the password, while the UI is locked', async (context) => {
    const { start } = shellsOf(context);
    const shell = await startedWithVault(start, { AFTERWORD_TRAY: 'on' });
    const sent = await shell.send<Reply>({ cmd: 'invoke', method: 'channels.test', input: { channel: 'desktop' } });
    expect(sent.ok).toBe(true);
    const shown = await shell.waitFor(is('notification.show'), 'showing the notification');
    expect(shown.actions).toBe(0); // no button that would do nothing here
    await shell.send({ cmd: 'close-window' });
    await shell.waitFor(is('window.hide'), 'hiding the window');
    expect(await unlocked(shell)).toBe(false);

    await shell.send({ cmd: 'notification', event: 'click' });
    const offered = await shell.waitFor(is('dialog.showMessageBox'), 'offering the check-in');
    expect(offered.buttons).toEqual(["I'm here", 'Open Afterword', 'Not now']);
    expect(shell.records().filter(is('window.show'))).toHaveLength(1); // only the first, at startup
  });
});
