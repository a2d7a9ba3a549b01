// Test helper: a stand-in for the `electron` module that follows Electron's documented lifecycle,
// so the compiled main entry can run in plain Node (the Electron binary cannot be downloaded here).
// Loaded in place of `electron` by electron-resolve-hook.ts; driven by lifecycle-runner.ts.
//
// What it models, from Electron 45's typings and documentation:
//  - `ready` is emitted only after the entry module has finished evaluating (for an ES module main
//    entry, after its top-level awaits), and `whenReady()` resolves with it;
//  - protocol.registerSchemesAsPrivileged is only valid before `ready`, protocol.handle and
//    session.defaultSession only after, and `new Tray` / `new BrowserWindow` only after `ready`;
//  - app.quit(): `before-quit` (preventable), then every window gets `close` (preventable, cancels
//    the quit), then `will-quit` (preventable), then the process exits; app.exit() exits at once;
//  - closing the last window emits `window-all-closed` (which, with a listener, does not quit);
//  - `second-instance` only in the primary instance, after `ready`;
//  - powerMonitor events only on the platforms the typings name.
// Every call the shell makes is appended as one JSON line to $FAKE_ELECTRON_LOG.
import { appendFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';

export type FakeRecord = { what: string } & Record<string, unknown>;

const LOG = process.env.FAKE_ELECTRON_LOG;
const PLATFORM = (process.env.FAKE_ELECTRON_PLATFORM ?? process.platform) as NodeJS.Platform;

let isReady = false;
const records: FakeRecord[] = [];

function record(what: string, fields: Record<string, unknown> = {}): void {
  const entry = { what, ready: isReady, ...fields };
  records.push(entry);
  if (LOG) appendFileSync(LOG, `${JSON.stringify(entry)}\n`);
}

function requireReady(what: string): void {
  if (!isReady) {
    record('error', { message: `${what} called before the app is ready` });
    throw new Error(`${what} cannot be called before the app is ready`);
  }
}

class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

// ---------------------------------------------------------------- app

class FakeApp extends EventEmitter {
  isPackaged = process.env.FAKE_ELECTRON_PACKAGED === '1';
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private quitting = false;
  exitCode: number | null = null;

  constructor() {
    super();
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return isReady;
  }
  getVersion(): string {
    return '0.0.0-fake';
  }
  getName(): string {
    return 'Afterword';
  }
  enableSandbox(): void {
    if (isReady) throw new Error('app.enableSandbox must be called before the app is ready');
    record('app.enableSandbox');
  }
  setAppUserModelId(id: string): void {
    record('app.setAppUserModelId', { id });
  }
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock');
    return process.env.FAKE_ELECTRON_SECOND_INSTANCE !== '1';
  }
  setLoginItemSettings(settings: unknown): void {
    record('app.setLoginItemSettings', { settings });
  }
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: false, wasOpenedAtLogin: process.env.FAKE_ELECTRON_OPENED_AT_LOGIN === '1' };
  }
  getPath(name: string): string {
    return `/tmp/fake-electron/${name}`;
  }

  quit(): void {
    record('app.quit');
    if (this.quitting || this.exitCode !== null) return;
    const beforeQuit = new PreventableEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return record('before-quit.prevented');
    this.quitting = true;
    for (const win of FakeBrowserWindow.all()) {
      if (!win.tryClose()) {
        this.quitting = false;
        return record('quit.cancelled-by-window');
      }
    }
    const willQuit = new PreventableEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      return record('will-quit.prevented');
    }
    this.finish(0, 'quit');
  }

  exit(code = 0): void {
    record('app.exit', { code });
    this.finish(code, 'exit');
  }

  private finish(code: number, how: string): void {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    record('process.exit', { code, how });
    this.emit('quit', new PreventableEvent(), code);
    // Let the runner answer a pending command, then end like Electron does.
    setImmediate(() => process.exit(code));
  }

  /** Called by the runner once the entry module has finished evaluating. */
  emitReady(): void {
    if (isReady) return;
    isReady = true;
    record('ready');
    this.emit('will-finish-launching');
    this.emit('ready', new PreventableEvent(), {});
    this.resolveReady();
    // Someone launches Afterword again right away, while startup is still under way.
    if (process.env.FAKE_ELECTRON_SECOND_INSTANCE_AT_READY === '1') {
      record('second-instance');
      this.emit('second-instance', new PreventableEvent(), [], process.cwd(), null);
    }
  }
}

export const app = new FakeApp();

// ---------------------------------------------------------------- windows

class FakeWebContents extends EventEmitter {
  url = '';
  destroyed = false;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  private openHandler: unknown = null;

  constructor(readonly id: number) {
    super();
    app.emit('web-contents-created', new PreventableEvent(), this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
    record('webContents.send', { channel, event: (args[0] as { event?: string } | undefined)?.event });
  }
  setWindowOpenHandler(handler: unknown): void {
    this.openHandler = handler;
  }
  openDevTools(): void {
    record('webContents.openDevTools');
  }
}

let nextWindowId = 1;
const windows = new Set<FakeBrowserWindow>();

export class FakeBrowserWindow extends EventEmitter {
  readonly id = nextWindowId++;
  readonly webContents: FakeWebContents;
  private visible = false;
  private minimized = false;
  private destroyed = false;

  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    requireReady('new BrowserWindow');
    windows.add(this);
    this.webContents = new FakeWebContents(this.id);
    this.visible = options.show !== false;
    record('BrowserWindow.new', { id: this.id, show: options.show ?? true });
  }

  static all(): FakeBrowserWindow[] {
    return [...windows];
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return [...windows];
  }

  async loadURL(url: string): Promise<void> {
    record('loadURL', { id: this.id, url });
    if (process.env.FAKE_ELECTRON_LOAD_FAILS === '1') {
      record('loadURL.failed', { id: this.id, url });
      throw new Error(`ERR_FAILED (-2) loading '${url}'`);
    }
    this.webContents.url = url;
    setImmediate(() => {
      if (this.destroyed) return;
      this.webContents.emit('did-finish-load');
      this.emit('ready-to-show');
    });
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
    record('window.show', { id: this.id });
  }
  hide(): void {
    this.visible = false;
    record('window.hide', { id: this.id });
  }
  focus(): void {
    record('window.focus', { id: this.id });
  }
  minimize(): void {
    this.minimized = true;
    record('window.minimize', { id: this.id });
  }
  restore(): void {
    this.minimized = false;
    record('window.restore', { id: this.id });
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible && !this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setMenuBarVisibility(visible: boolean): void {
    record('window.setMenuBarVisibility', { visible });
  }
  removeMenu(): void {
    record('window.removeMenu');
  }

  /** The user (or app.quit) closes the window: `close` may prevent it. True when it closed. */
  tryClose(): boolean {
    if (this.destroyed) return true;
    const event = new PreventableEvent();
    this.emit('close', event);
    if (event.defaultPrevented) {
      record('window.close.prevented', { id: this.id });
      return false;
    }
    this.destroy();
    return true;
  }
  close(): void {
    this.tryClose();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    windows.delete(this);
    record('window.closed', { id: this.id });
    this.emit('closed');
    if (windows.size === 0) {
      // With no listener Electron quits; the shell is expected to listen.
      if (app.listenerCount('window-all-closed') === 0) app.quit();
      else app.emit('window-all-closed');
    }
  }
}
export { FakeBrowserWindow as BrowserWindow };

// ---------------------------------------------------------------- protocol, session, ipc

export const protocol = {
  handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged(schemes: { scheme: string }[]): void {
    if (isReady) {
      record('error', { message: 'protocol.registerSchemesAsPrivileged called after ready (Electron ignores it)' });
      throw new Error('protocol.registerSchemesAsPrivileged can only be called before the app is ready');
    }
    record('protocol.registerSchemesAsPrivileged', { schemes: schemes.map((s) => s.scheme) });
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void {
    requireReady('protocol.handle');
    this.handlers.set(scheme, handler);
    record('protocol.handle', { scheme });
  },
};

type CheckHandler = (contents: unknown, permission: string, origin: string, details: Record<string, unknown>) => boolean;
type RequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;

class FakeSession {
  checkHandler: CheckHandler | null = null;
  requestHandler: RequestHandler | null = null;
  setPermissionCheckHandler(handler: CheckHandler | null): void {
    this.checkHandler = handler;
    record('session.setPermissionCheckHandler');
  }
  setPermissionRequestHandler(handler: RequestHandler | null): void {
    this.requestHandler = handler;
    record('session.setPermissionRequestHandler');
  }
}
const defaultSession = new FakeSession();
export const session = {
  get defaultSession(): FakeSession {
    requireReady('session.defaultSession');
    return defaultSession;
  },
};

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;
export const ipcMain = {
  handlers: new Map<string, IpcHandler>(),
  handle(channel: string, handler: IpcHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
    record('ipcMain.handle', { channel });
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
  on(): void {},
  removeAllListeners(): void {},
};

// ---------------------------------------------------------------- tray, menus, notifications

export interface FakeMenuItem {
  label?: string;
  type?: string;
  role?: string;
  enabled?: boolean;
  accelerator?: string;
  submenu?: FakeMenuItem[];
  click?: () => void;
}

export class Menu {
  static applicationMenu: Menu | null = null;
  constructor(readonly items: FakeMenuItem[]) {}
  static buildFromTemplate(template: FakeMenuItem[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(menu: Menu | null): void {
    Menu.applicationMenu = menu;
    record('Menu.setApplicationMenu', { labels: menu ? flattenMenu(menu.items) : null });
  }
}

/** "File/Quit", "View/Toggle Developer Tools"…: the labels and roles of a menu, for assertions. */
export function flattenMenu(items: FakeMenuItem[], prefix = ''): string[] {
  return items.flatMap((item) => {
    const name = `${prefix}${item.label ?? item.role ?? item.type ?? '?'}`;
    return [name, ...(item.submenu ? flattenMenu(item.submenu, `${name}/`) : [])];
  });
}

let trays: FakeTray[] = [];
export class FakeTray extends EventEmitter {
  menu: Menu | null = null;
  tooltip = '';
  destroyed = false;
  constructor(_image: unknown) {
    super();
    requireReady('new Tray');
    if (process.env.FAKE_ELECTRON_TRAY_FAILS === '1') throw new Error('Failed to create the tray icon');
    trays.push(this);
    record('Tray.new');
  }
  setToolTip(text: string): void {
    this.tooltip = text;
    record('tray.setToolTip', { text });
  }
  setImage(): void {}
  setContextMenu(menu: Menu | null): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
    trays = trays.filter((t) => t !== this);
    record('tray.destroy');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}
export { FakeTray as Tray };

export const nativeImage = {
  createFromBitmap: (_buffer: unknown, size: { width: number; height: number }) => ({ size }),
  createEmpty: () => ({ size: { width: 0, height: 0 } }),
};

let notifications: FakeNotification[] = [];
export class FakeNotification extends EventEmitter {
  constructor(readonly options: Record<string, unknown>) {
    super();
    notifications.push(this);
  }
  static isSupported(): boolean {
    return process.env.FAKE_ELECTRON_NOTIFICATIONS !== '0';
  }
  show(): void {
    record('notification.show', { title: this.options.title, actions: (this.options.actions as unknown[] | undefined)?.length ?? 0 });
  }
  close(): void {
    notifications = notifications.filter((n) => n !== this);
  }
}
export { FakeNotification as Notification };

export const dialog = {
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', { title, content });
  },
  async showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    const options = (args.length > 1 ? args[1] : args[0]) as { message?: string; buttons?: string[] };
    record('dialog.showMessageBox', { message: options.message, buttons: options.buttons });
    return { response: Number(process.env.FAKE_ELECTRON_DIALOG_RESPONSE ?? 0), checkboxChecked: false };
  },
};

export const shell = {
  async openExternal(url: string): Promise<void> {
    record('shell.openExternal', { url });
  },
};

// ---------------------------------------------------------------- powerMonitor, safeStorage

/** Which powerMonitor events each platform emits (the typings' @platform tags; none = all). */
const POWER_EVENT_PLATFORMS: Record<string, NodeJS.Platform[] | null> = {
  suspend: null,
  resume: null,
  'lock-screen': ['darwin', 'win32'],
  'unlock-screen': ['darwin', 'win32'],
  shutdown: ['linux', 'darwin'],
  'user-did-become-active': ['darwin'],
  'user-did-resign-active': ['darwin'],
};

class FakePowerMonitor extends EventEmitter {
  idleSeconds = 0;
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
  getSystemIdleState(): string {
    return 'active';
  }
  /** Emits as the OS would; refuses an event this platform never sends. Returns the event object. */
  fire(event: string): PreventableEvent {
    const platforms = POWER_EVENT_PLATFORMS[event];
    if (platforms === undefined) throw new Error(`powerMonitor has no '${event}' event`);
    if (platforms !== null && !platforms.includes(PLATFORM)) throw new Error(`powerMonitor does not emit '${event}' on ${PLATFORM}`);
    const e = new PreventableEvent();
    this.emit(event, e);
    return e;
  }
}
export const powerMonitor = new FakePowerMonitor();

/** A keyring that "encrypts" by reversible encoding; `FAKE_ELECTRON_KEYRING` names the Linux backend. */
const KEYRING = process.env.FAKE_ELECTRON_KEYRING ?? 'gnome_libsecret';
const seal = (text: string): Buffer => Buffer.from(`sealed:${Buffer.from(text, 'utf8').toString('base64')}`, 'utf8');
const unseal = (data: Buffer): string => {
  const raw = data.toString('utf8');
  if (!raw.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
  return Buffer.from(raw.slice('sealed:'.length), 'base64').toString('utf8');
};
const deprecated = (name: string): void => record('safeStorage.deprecated', { name });
export const safeStorage = {
  getSelectedStorageBackend(): string {
    return isReady ? KEYRING : 'unknown';
  },
  isEncryptionAvailable(): boolean {
    deprecated('isEncryptionAvailable');
    return isReady && KEYRING !== 'basic_text';
  },
  encryptString(text: string): Buffer {
    deprecated('encryptString');
    return seal(text);
  },
  decryptString(data: Buffer): string {
    deprecated('decryptString');
    return unseal(data);
  },
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    record('safeStorage.isAsyncEncryptionAvailable');
    return isReady && KEYRING !== 'basic_text';
  },
  async encryptStringAsync(text: string): Promise<Buffer> {
    requireReady('safeStorage.encryptStringAsync');
    return seal(text);
  },
  async decryptStringAsync(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    requireReady('safeStorage.decryptStringAsync');
    return { result: unseal(data), shouldReEncrypt: false };
  },
  setUsePlainTextEncryption(): void {},
};

export const clipboard = {
  writeText(text: string): void {
    record('clipboard.writeText', { length: text.length });
  },
};

// ---------------------------------------------------------------- the runner's handle

/** What lifecycle-runner.ts uses to drive the fake; not part of Electron's API. */
export const fake = {
  platform: PLATFORM,
  records,
  record,
  trays: () => trays,
  notifications: () => notifications,
  session: defaultSession,
  PreventableEvent,
};

export default {
  app,
  BrowserWindow: FakeBrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification: FakeNotification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray: FakeTray,
};
