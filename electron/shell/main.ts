// The thin Electron shell: one hardened window, nothing else. The Electron-free core (vault,
// scheduler, delivery) is composed and wired in here by a later issue, through ports; nothing in
// electron/core, node, cli, ports or bench may import 'electron' (see eslint.config.js).
import { app, BrowserWindow, session, type WebContents } from 'electron';
import { fileURLToPath } from 'node:url';

// dist/electron/shell/main.js -> repository root. Until the renderer build lands, the window
// loads the placeholder page straight from renderer/.
const RENDERER_INDEX = fileURLToPath(new URL('../../../renderer/index.html', import.meta.url));
// CommonJS on purpose: a sandboxed preload cannot be an ES module (see preload.cts).
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const VERSION_ARG = '--afterword-version=';

let mainWindow: BrowserWindow | null = null;

/** Every web contents (windows, frames, anything created later) may not navigate or open windows. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    show: false,
    title: 'Afterword',
    webPreferences: {
      preload: PRELOAD,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      additionalArguments: [`${VERSION_ARG}${app.getVersion()}`],
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    mainWindow = null;
  });
  void win.loadFile(RENDERER_INDEX);
  return win;
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the vault; it is told through 'second-instance' and focuses itself.
  app.quit();
} else {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    // The scheduler will keep running in the background later; for now closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });

  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
}
