// Test helper (see fake-electron.ts): `app` and `BrowserWindow`, with Electron's lifecycle.
import { EventEmitter } from 'node:events';
import { isReady, markReady, PreventableEvent, processEnd, record, requireReady } from './fake-records.js';

// ---------------------------------------------------------------- app

export class FakeApp extends EventEmitter {
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
    return isReady();
  }
  getVersion(): string {
    return '0.0.0-fake';
  }
  getName(): string {
    return 'Afterword';
  }
  enableSandbox(): void {
    if (isReady()) throw new Error('app.enableSandbox must be called before the app is ready');
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
    processEnd.exit(code);
  }

  /** Called by the runner once the entry module has finished evaluating. */
  emitReady(): void {
    if (isReady()) return;
    markReady();
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

export class FakeWebContents extends EventEmitter {
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
