// The Electron entry: the desktop app's composition root.
//
// With an ES module entry, Electron emits `ready` only after this module has finished evaluating:
// a top-level `await app.whenReady()` (or anything awaiting it) would wait for itself, and the app
// would hang with no window and no tray. So this module does synchronously what must happen before
// `ready` (privileged scheme, sandbox, single instance, lifecycle handlers) and starts the rest
// from `app.whenReady().then(…)`; a failure there shows a dialog and exits instead of hanging.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, protocol, shell } from 'electron';
import { APP_SCHEME_PRIVILEGES } from './app-protocol.js';
import type { RunningDesktop } from './desktop-startup.js';
import { createStderrLogger } from '../../node/stderr-logger.js';
import { APP_SCHEME, secureWebContents } from './window-security.js';

// dist/electron/apps/desktop/main.js -> repository root. The Vite build writes dist/renderer (npm run
// build); without it, the page in renderer/ only says the UI is not built.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUILT_RENDERER = join(ROOT, 'dist', 'renderer');
const RENDERER_DIR = existsSync(join(BUILT_RENDERER, 'index.html')) ? BUILT_RENDERER : join(ROOT, 'renderer');
// CommonJS on purpose: a sandboxed preload cannot be an ES module (see preload.cts).
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

const log = createStderrLogger('afterword.shell', { format: 'json' });

// Before `ready`: app:// becomes a standard, secure origin, so the renderer never runs from file://.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);

let desktop: RunningDesktop | null = null;
/** A second launch (or a Dock click) while startup is still opening the vault: show the window once it can. */
let showWhenStarted = false;
const showWindow = (): void => {
  if (desktop) desktop.showWindow();
  else showWhenStarted = true;
};

/** Startup failed after `ready`: say so (there may be no window and no tray) and exit. */
function fatal(error: unknown): void {
  const message = (error as Error)?.stack ?? String(error);
  log.error('Afterword could not start', { error: (error as Error)?.message ?? String(error) });
  try {
    dialog.showErrorBox(
      'Afterword could not start',
      `${(error as Error)?.message ?? String(error)}\n\nWarnings and deliveries do not run while Afterword is not running. Start it again; if this keeps happening, the details are in its log.\n\n${message}`,
    );
  } finally {
    app.exit(1);
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the vault; it is told through 'second-instance' and shows its window.
  app.quit();
} else {
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId('app.afterword.desktop');
  app.on('web-contents-created', (_event, contents) =>
    secureWebContents(contents, { openExternal: (url) => shell.openExternal(url), log: log.child('security') }),
  );
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // The window hides to the tray instead of closing; should it ever close, Afterword keeps watching.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (!desktop || desktop.quit.done) return;
    event.preventDefault(); // finish the send in flight (for a bounded time) and close the vault first
    void desktop.quit.run('quit').then(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      // Loaded here, after `ready`: nothing in the startup runs during module evaluation.
      const { startDesktop } = await import('./desktop-startup.js');
      desktop = await startDesktop({
        rendererDir: RENDERER_DIR,
        preload: PRELOAD,
        entryFile: fileURLToPath(import.meta.url),
        log,
      });
      if (showWhenStarted) desktop.showWindow();
    })
    .catch(fatal);
}
