// Test helper (see fake-electron.ts): protocol, session, ipcMain, tray, menus, notifications,
// dialogs, powerMonitor and safeStorage.
import { EventEmitter } from 'node:events';
import { isReady, PLATFORM, PreventableEvent, record, requireReady } from './fake-records.js';

// ---------------------------------------------------------------- protocol, session, ipc

export const protocol = {
  handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged(schemes: { scheme: string }[]): void {
    if (isReady()) {
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

type CheckHandler = (
  contents: unknown,
  permission: string,
  origin: string,
  details: Record<string, unknown>,
) => boolean;
type RequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: Record<string, unknown>,
) => void;

export class FakeSession {
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
export const defaultSession = new FakeSession();
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
export const allTrays = (): FakeTray[] => trays;
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

export const nativeImage = {
  createFromBitmap: (_buffer: unknown, size: { width: number; height: number }) => ({ size }),
  createEmpty: () => ({ size: { width: 0, height: 0 } }),
};

let notifications: FakeNotification[] = [];
export const allNotifications = (): FakeNotification[] => notifications;
export class FakeNotification extends EventEmitter {
  constructor(readonly options: Record<string, unknown>) {
    super();
    notifications.push(this);
  }
  static isSupported(): boolean {
    return process.env.FAKE_ELECTRON_NOTIFICATIONS !== '0';
  }
  show(): void {
    record('notification.show', {
      title: this.options.title,
      actions: (this.options.actions as unknown[] | undefined)?.length ?? 0,
    });
  }
  close(): void {
    notifications = notifications.filter((n) => n !== this);
  }
}

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

export class FakePowerMonitor extends EventEmitter {
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
    if (platforms !== null && !platforms.includes(PLATFORM))
      throw new Error(`powerMonitor does not emit '${event}' on ${PLATFORM}`);
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
  if (!raw.startsWith('sealed:'))
    throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
  return Buffer.from(raw.slice('sealed:'.length), 'base64').toString('utf8');
};
const deprecated = (name: string): void => record('safeStorage.deprecated', { name });
export const safeStorage = {
  getSelectedStorageBackend(): string {
    return isReady() ? KEYRING : 'unknown';
  },
  isEncryptionAvailable(): boolean {
    deprecated('isEncryptionAvailable');
    return isReady() && KEYRING !== 'basic_text';
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
    return isReady() && KEYRING !== 'basic_text';
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
