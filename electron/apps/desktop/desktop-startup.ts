// Everything the desktop app does once Electron is ready: the Electron ports (safeStorage key store,
// tray notifier, power events, auto-lock), the AppCore for the vault (the same core the runner
// serves), the shared router and its IPC binding, and one hardened window on app://app. Every
// decision lives in a plain module next to this one, tested in Node; this file only wires.
// main.ts runs it from `app.whenReady().then(…)`, never awaiting `ready` at the module's top level.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  Tray,
} from 'electron';
import { createRouter } from '../../core/api/router.js';
import { defaultKeyDir, resolveVaultDir } from '../../core/vault/vault-paths.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { systemClock } from '../../node/system-clock.js';
import { VaultProcessLock } from '../../node/vault-process-lock.js';
import type { Logger } from '../../core/ports/logger.js';
import { appMenuTemplate } from './app-menu.js';
import { createAppProtocolHandler } from './app-protocol.js';
import { AutoLock, autoLockMinutes } from './auto-lock.js';
import { createDesktopAppCore } from './desktop-app-core.js';
import { DesktopSession } from './desktop-session.js';
import { electronNotifications, electronTrayView, trayIcon } from './electron-adapters.js';
import { registerIpc } from './ipc.js';
import { LazyKeyStore } from './lazy-key-store.js';
import { spawnGdbus, watchLinuxScreenLock } from './linux-screen-lock.js';
import { applyStartAtLogin, loginCommand, startsHidden, xdgAutostartDir } from './login-item.js';
import { wirePowerEvents } from './power-events.js';
import { abortableWait, QuitSequence } from './quit-sequence.js';
import { SafeStorageKeyStore, selfTestKeyStore } from './safe-storage-key-store.js';
import { SecretFileStore } from '../../node/secret-file-store.js';
import type { TrayAction } from './tray-menu.js';
import { trayVisible } from './tray-host.js';
import { notificationButtonsWork, TrayNotifier, TrayPresenter } from './tray-notifier.js';
import { handleWindowClose } from './window-close.js';
import { APP_ENTRY_URL, APP_SCHEME, secureSession, WEB_PREFERENCES } from './window-security.js';

export interface StartupOptions {
  rendererDir: string;
  preload: string;
  /** This entry script (started with the executable when not packaged). */
  entryFile: string;
  log: Logger;
}

/** What main.ts's lifecycle handlers reach once the desktop app is up. */
export interface RunningDesktop {
  showWindow(): void;
  readonly quit: QuitSequence;
}

const VERSION_ARG = '--afterword-version=';
const clock = systemClock;

export async function startDesktop(options: StartupOptions): Promise<RunningDesktop> {
  const { log } = options;
  const failed = (what: string) => (error: unknown) =>
    log.error(`${what} failed`, { error: (error as Error)?.message });

  // One process per vault schedules and sends: `afterword serve` or `run` on this vault would send
  // twice. A VaultBusyError ends the start with the dialog that names the holder.
  const vaultDir = resolveVaultDir(undefined, process.env); // AFTERWORD_VAULT, else the platform's default
  await mkdir(vaultDir, { recursive: true, mode: 0o700 });
  const processLock = await VaultProcessLock.acquire(vaultDir, 'the Afterword desktop app', {
    waitMs: 60_000, // a cron `tick` holds it for its pass
    onTrouble: (what) => log.warn(what),
  });

  secureSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(options.rendererDir));

  let desktop: DesktopSession | null = null;
  let mainWindow: BrowserWindow | null = null;
  const cleanups: (() => void)[] = [];

  const quit = new QuitSequence({
    close: async () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
      await desktop?.close();
      await processLock.release();
    },
    progress: (text) => presenter.showBusy(text),
    wait: abortableWait,
    log: log.child('quit'),
  });

  function createWindow(visible = true): BrowserWindow {
    const win = new BrowserWindow({
      width: 1100,
      height: 760,
      show: false,
      title: 'Afterword',
      webPreferences: {
        ...WEB_PREFERENCES,
        preload: options.preload,
        additionalArguments: [`${VERSION_ARG}${app.getVersion()}`],
      },
    });
    if (visible) win.once('ready-to-show', () => win.show());
    win.on('close', (event) => {
      void handleWindowClose(event, win, {
        quitting: () => quit.started,
        lock: async () => desktop?.lock('window'),
        trayVisible: () => trayVisible(process.platform, process.env),
        askWithoutTray: async () => {
          const { response } = await dialog.showMessageBox(win, {
            type: 'question',
            message: 'Keep Afterword watching?',
            detail:
              'This desktop shows no tray icon, so a closed Afterword window could not be opened again. Keep it running minimized (locked) so warnings go on, or quit (warnings stop on this computer).',
            buttons: ['Keep watching (minimize)', 'Quit Afterword'],
            defaultId: 0,
            cancelId: 0,
          });
          return response === 1 ? 'quit' : 'keep';
        },
        quit: () => app.quit(),
        log: log.child('window'),
      });
    });
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    // Windows ends the session without `before-quit`; the window is kept (hidden) to hear it.
    win.on('session-end', () => void quit.run('session end').then(() => app.quit()));
    win.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
      log.error('the window could not load the app', { error: (error as Error)?.message });
      dialog.showErrorBox(
        'Afterword could not show its window',
        `${(error as Error)?.message}\n\nAfterword keeps watching from the tray. Restart it to try again.`,
      );
    });
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

  function onTrayAction(action: TrayAction): void {
    if (action === 'checkin') void desktop?.checkIn('tray').catch(failed("I'm here"));
    else if (action === 'open') showWindow();
    else if (action === 'lock') void desktop?.lock('tray').catch(failed('locking'));
    else app.quit();
  }

  /** A clicked notification where it has no buttons: "I'm here" without the password, as in the tray. */
  async function offerCheckIn(title: string, body: string): Promise<void> {
    const { response } = await dialog.showMessageBox({
      type: 'question',
      title: 'Afterword',
      message: title,
      detail: body,
      buttons: ["I'm here", 'Open Afterword', 'Not now'],
      defaultId: 0,
      cancelId: 2,
    });
    if (response === 0) await desktop?.checkIn('notification').catch(failed("I'm here"));
    else if (response === 1) showWindow();
  }

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate(
        { platform: process.platform, packaged: app.isPackaged },
        {
          lock: () => void desktop?.lock('menu').catch(failed('locking')),
          closeWindow: () => mainWindow?.close(),
          quit: () => app.quit(),
        },
      ),
    ),
  );

  const tray = new Tray(trayIcon(0));
  const presenter = new TrayPresenter(electronTrayView(tray, onTrayAction), () => clock.now());

  /**
   * safeStorage over 0600 files, self-tested (set, get, compare) before use; built when first
   * needed (never while unattended delivery is off) and again after a failure (the keyring may be
   * unlocked by then).
   */
  const deviceKeyStore = new LazyKeyStore(async () => {
    const files = new SecretFileStore(join(defaultKeyDir(process.env), 'safe-storage'));
    const store = await SafeStorageKeyStore.create({ safeStorage, files });
    await selfTestKeyStore(store, (n) => new Uint8Array(randomBytes(n)));
    return store;
  });

  const core = createDesktopAppCore({
    vaultDir,
    clock,
    keyStore: deviceKeyStore,
    // High-water marks are not secret: plain files beside the device keys, shared with the CLI.
    marks: new FileKeyStore(defaultKeyDir(process.env)),
    notifierFor: (recorder) =>
      new TrayNotifier({
        inner: recorder,
        notifications: electronNotifications,
        tray: presenter,
        onImHere: async () => void (await desktop?.checkIn('notification')),
        onOpen: showWindow,
        actionButtons: notificationButtonsWork(process.platform, app.isPackaged),
        offerCheckIn: (prompt) => void offerCheckIn(prompt.title, prompt.body),
        log: log.child('notify'),
      }),
  });
  // `tick` from cron steps aside only while this app can send.
  core.onEngine((engine) => void processLock.setScheduling(engine !== null).catch(failed('marking the vault lock')));
  const router = createRouter(core, { logger: log.child('rpc') });

  // Settings live in the vault: read through the router whenever the UI is unlocked, applied when changed.
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
      command: loginCommand({
        packaged: app.isPackaged,
        execPath: process.execPath,
        entryFile: options.entryFile,
        env: process.env,
      }),
      autostartDir: xdgAutostartDir(process.env, homedir()),
      writeFile: async (path, content) => {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content, { mode: 0o644 });
      },
      removeFile: (path) => rm(path, { force: true }),
    });
  }

  desktop = await DesktopSession.start({
    app: core,
    router,
    keyStore: deviceKeyStore,
    clock,
    onState: (state) => {
      if (quit.started) return; // the tray says "Quitting" until the end
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
    wirePowerEvents(
      powerMonitor,
      {
        resume: () => session_.resume(),
        lock: (reason) => session_.lock(reason),
        shutdown: () => quit.run('system shutdown').then(() => app.quit()),
      },
      log.child('power'),
    ),
    process.platform === 'linux'
      ? watchLinuxScreenLock({
          spawn: spawnGdbus,
          sessionId: process.env.XDG_SESSION_ID,
          onLock: () => void session_.lock('lock-screen').catch(failed('locking on the screen lock')),
          log: log.child('screen-lock'),
        })
      : () => undefined,
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

  if (!startsHidden(process.argv, process.platform, () => app.getLoginItemSettings().wasOpenedAtLogin)) showWindow();
  // Windows tells only windows that the session ends: started hidden, keep one, never shown, to hear it.
  else if (process.platform === 'win32') mainWindow = createWindow(false);
  return { showWindow, quit };
}
