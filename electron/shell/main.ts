// The Electron entry: the desktop app's composition root (docs/style.md §5). It builds the Electron
// ports (safeStorage key store, tray notifier, power events, auto-lock), the AppCore for the vault
// (the same core the runner serves), the shared router and its IPC binding, and opens one hardened
// window on app://app. Every decision lives in a plain module next to this one, tested in Node
// (desktop-session.test.ts wires the same pieces with fakes); this file only wires.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, powerMonitor, protocol, safeStorage, session, shell, Tray } from 'electron';
import { createRouter } from '../core/api/router.js';
import { defaultKeyDir, resolveVaultDir } from '../core/vault/vault-paths.js';
import { systemClock } from '../node/system-clock.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import { AutoLock, autoLockMinutes } from './auto-lock.js';
import { createDesktopAppCore } from './desktop-app-core.js';
import { DesktopSession } from './desktop-session.js';
import { electronNotifications, electronTrayView, trayIcon } from './electron-adapters.js';
import { registerIpc } from './ipc.js';
import { LazyKeyStore } from './lazy-key-store.js';
import { applyStartAtLogin, HIDDEN_ARG, xdgAutostartDir } from './login-item.js';
import { wirePowerEvents } from './power-events.js';
import { SafeStorageKeyStore, selfTestKeyStore } from './safe-storage-key-store.js';
import { SecretFileStore } from './secret-file-store.js';
import { createStderrLogger } from './stderr-logger.js';
import type { TrayAction } from './tray-menu.js';
import { TrayNotifier, TrayPresenter } from './tray-notifier.js';
import { APP_ENTRY_URL, APP_SCHEME, secureSession, secureWebContents, WEB_PREFERENCES } from './window-security.js';

// dist/electron/shell/main.js -> repository root. The Vite build writes dist/renderer (npm run
// build); without it, the page in renderer/ only says the UI is not built.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT_RENDERER = join(ROOT, 'dist', 'renderer');
const RENDERER_DIR = existsSync(join(BUILT_RENDERER, 'index.html')) ? BUILT_RENDERER : join(ROOT, 'renderer');
// CommonJS on purpose: a sandboxed preload cannot be an ES module (see preload.cts).
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const VERSION_ARG = '--afterword-version=';

const log = createStderrLogger('afterword.shell');
const clock = systemClock;

// Before `ready`: app:// becomes a standard, secure origin, so the renderer never runs from file://.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);

let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null; // referenced for the app's lifetime, or the icon is collected
let desktop: DesktopSession | null = null;
let stopping: Promise<void> | null = null;
let stopped = false;
const cleanups: (() => void)[] = [];

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    show: false,
    title: 'Afterword',
    webPreferences: { ...WEB_PREFERENCES, preload: PRELOAD, additionalArguments: [`${VERSION_ARG}${app.getVersion()}`] },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

const failed = (what: string) => (error: unknown) => log.error(`${what} failed`, { error: (error as Error).message });

function onTrayAction(action: TrayAction): void {
  if (action === 'checkin') void desktop?.checkIn('tray').catch(failed("I'm here"));
  else if (action === 'open') showWindow();
  else if (action === 'lock') void desktop?.lock('tray').catch(failed('locking'));
  else app.quit();
}

/**
 * safeStorage over 0600 files, self-tested (set, get, compare) before use; built when first needed
 * and again after a failure (the keyring may be unlocked by then). Built after `ready`: safeStorage
 * does not know its Linux backend before.
 */
const deviceKeyStore = new LazyKeyStore(async () => {
  const files = new SecretFileStore(join(defaultKeyDir(process.env), 'safe-storage'));
  const store = SafeStorageKeyStore.create({ safeStorage, files });
  await selfTestKeyStore(store, (n) => new Uint8Array(randomBytes(n)));
  return store;
});

/**
 * Settings live in the vault: read through the router (the window's keys and defaults) whenever
 * the UI is unlocked, and applied when they changed.
 */
let autoLock: AutoLock | null = null;
let loginItem: boolean | null = null;
async function applySettings(): Promise<void> {
  const settings = await desktop?.settings();
  if (!settings) return;
  autoLock?.setMinutes(autoLockMinutes(settings.autoLockMinutes));
  if (loginItem === settings.startAtLogin) return;
  loginItem = settings.startAtLogin;
  await applyStartAtLogin(settings.startAtLogin, {
    platform: process.platform,
    setLoginItemSettings: (s) => app.setLoginItemSettings(s),
    command: app.isPackaged ? [process.execPath] : [process.execPath, fileURLToPath(import.meta.url)],
    autostartDir: xdgAutostartDir(process.env, homedir()),
    writeFile: async (path, content) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content, { mode: 0o644 });
    },
    removeFile: (path) => rm(path, { force: true }),
  });
}

async function run(): Promise<void> {
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId('app.afterword.desktop');
  app.on('web-contents-created', (_event, contents) =>
    secureWebContents(contents, { openExternal: (url) => shell.openExternal(url), log: log.child('security') }),
  );
  // Not before the session has started and IPC is registered: an early window would find no handler.
  app.on('second-instance', () => desktop && showWindow());
  app.on('activate', () => desktop && showWindow());
  // Closing the window keeps Afterword in the tray: warnings must go on. Quit is in the tray menu.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault(); // finish the send in flight and close the vault first
    stopping ??= (async () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
      await desktop?.close();
    })()
      .catch(failed('shutdown'))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });

  await app.whenReady();
  secureSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));

  tray = new Tray(trayIcon(0));
  const presenter = new TrayPresenter(electronTrayView(tray, onTrayAction), () => clock.now());
  const core = createDesktopAppCore({
    vaultDir: resolveVaultDir(undefined, process.env), // AFTERWORD_VAULT, else the platform's default
    clock,
    keyStore: deviceKeyStore,
    notifierFor: (recorder) =>
      new TrayNotifier({
        inner: recorder,
        notifications: electronNotifications,
        tray: presenter,
        onImHere: async () => void (await desktop?.checkIn('notification')),
        onOpen: showWindow,
        log: log.child('notify'),
      }),
  });
  const router = createRouter(core, { logger: log.child('rpc') });
  desktop = await DesktopSession.start({
    app: core,
    router,
    keyStore: deviceKeyStore,
    clock,
    onState: (state) => {
      presenter.show(state);
      void applySettings().catch(failed('applying the settings'));
    },
    log: log.child('session'),
  });
  const session_ = desktop;

  autoLock = new AutoLock({
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
    isUnlocked: () => session_.uiUnlocked,
    lock: (reason) => session_.lock(reason),
    log: log.child('auto-lock'),
  });
  autoLock.start();
  const stopAutoLock = autoLock;
  cleanups.push(
    () => stopAutoLock.stop(),
    wirePowerEvents(powerMonitor, { resume: () => session_.resume(), lock: (reason) => session_.lock(reason) }, log.child('power')),
    registerIpc({
      ipcMain,
      router,
      app: core,
      webContents: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null),
      onReply: (method, reply) => session_.afterCall(method, reply),
      log: log.child('ipc'),
    }),
  );
  void applySettings().catch(failed('applying the settings'));

  if (!process.argv.includes(HIDDEN_ARG)) showWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the vault; it is told through 'second-instance' and shows its window.
  app.quit();
} else {
  await run();
}
