// Test helper, the child process of main.lifecycle.test.ts: loads the compiled main entry under the
// fake `electron` (bundled with register-fake-electron.ts, see lifecycle-harness), emits `ready` only once the entry module
// has finished evaluating (as Electron does for an ES module entry), then obeys the parent's
// commands over the IPC channel. Everything the shell does is in $FAKE_ELECTRON_LOG.
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  fake,
  flattenMenu,
  ipcMain,
  Menu,
  powerMonitor,
  type FakeMenuItem,
} from './fake-electron.js';
import { processEnd } from './fake-records.js';

export type RunnerCommand =
  | { cmd: 'invoke'; method: string; input?: unknown }
  | { cmd: 'close-window' }
  | { cmd: 'tray-click'; label: string }
  | { cmd: 'app-emit'; event: string; args?: unknown[] }
  | { cmd: 'window-emit'; event: string }
  | { cmd: 'power'; event: string }
  | { cmd: 'quit' }
  | { cmd: 'state' }
  | { cmd: 'permission'; permission: string; url: string; isMainFrame: boolean }
  | { cmd: 'notification'; event: 'click' | 'action' };

// The platform the shell believes it runs on (its platform branches; path handling stays POSIX).
if (fake.platform !== process.platform) Object.defineProperty(process, 'platform', { value: fake.platform });

const entry = process.argv[2];
if (!entry) throw new Error('usage: lifecycle-runner.ts <main entry>');

// Until the entry has evaluated, the IPC channel must not keep the process alive: an entry that
// waits for `ready` at its top level then ends the process (Node: "unsettled top-level await")
// instead of hanging, and the parent sees that it never got there.
process.channel?.unref();
let evaluated = false;
process.on('exit', (code) => {
  if (!evaluated) fake.record('entry.never-evaluated', { code });
});

function trayItems(): FakeMenuItem[] {
  const tray = fake.trays().at(-1);
  return (tray?.menu as Menu | null)?.items ?? [];
}

function windowState() {
  return BrowserWindow.getAllWindows().map((w) => ({
    id: w.id,
    visible: w.isVisible(),
    minimized: w.isMinimized(),
    url: w.webContents.getURL(),
  }));
}

const TRUSTED_EVENT = { senderFrame: { url: 'app://app/index.html', parent: null } };

async function obey(command: RunnerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'invoke': {
      const handler = ipcMain.handlers.get('rpc');
      if (!handler) throw new Error('no rpc handler is registered');
      return handler(TRUSTED_EVENT, { method: command.method, input: command.input ?? {} });
    }
    case 'close-window': {
      const win = BrowserWindow.getAllWindows().at(-1);
      if (!win) throw new Error('there is no window to close');
      return win.tryClose();
    }
    case 'tray-click': {
      const item = trayItems().find((i) => i.label?.startsWith(command.label));
      if (!item?.click)
        throw new Error(
          `no clickable tray item "${command.label}" in ${JSON.stringify(trayItems().map((i) => i.label))}`,
        );
      if (item.enabled === false) throw new Error(`the tray item "${command.label}" is disabled`);
      item.click();
      return true;
    }
    case 'app-emit':
      return app.emit(command.event, new fake.PreventableEvent(), ...(command.args ?? []));
    case 'window-emit': {
      const win = BrowserWindow.getAllWindows().at(-1);
      return win ? win.emit(command.event, new fake.PreventableEvent()) : false;
    }
    case 'power':
      return powerMonitor.fire(command.event).defaultPrevented;
    case 'quit':
      app.quit();
      return true;
    case 'state': {
      const tray = fake.trays().at(-1);
      return {
        windows: windowState(),
        tray: tray
          ? {
              tooltip: tray.tooltip,
              items: trayItems().map((i) => ({ label: i.label ?? i.type, enabled: i.enabled !== false })),
            }
          : null,
        appMenu: Menu.applicationMenu ? flattenMenu(Menu.applicationMenu.items) : null,
      };
    }
    case 'permission': {
      const { checkHandler, requestHandler } = fake.session;
      const details = { isMainFrame: command.isMainFrame, requestingUrl: command.url };
      const origin =
        new URL(command.url).origin === 'null'
          ? command.url.split('/').slice(0, 3).join('/')
          : new URL(command.url).origin;
      const checked = checkHandler ? checkHandler(null, command.permission, origin, details) : true;
      const requested = await new Promise<boolean>((resolve) =>
        requestHandler ? requestHandler(null, command.permission, resolve, details) : resolve(true),
      );
      return { checked, requested };
    }
    case 'notification': {
      const shown = fake.notifications().at(-1);
      if (!shown) throw new Error('no notification is shown');
      return shown.emit(command.event, new fake.PreventableEvent(), 0);
    }
  }
}

// The app quitting ends the process, but only once every answer has reached the parent.
let unanswered = 0;
let exitCode: number | null = null;
processEnd.exit = (code) => {
  exitCode = code;
  if (unanswered === 0) setImmediate(() => process.exit(code));
};
function answer(message: object): void {
  process.send?.(message, () => {
    unanswered--;
    if (unanswered === 0 && exitCode !== null) process.exit(exitCode);
  });
}

process.on('message', (raw: { id: number } & RunnerCommand) => {
  unanswered++;
  obey(raw).then(
    (result) => answer({ id: raw.id, ok: true, result }),
    (error: unknown) => answer({ id: raw.id, ok: false, error: (error as Error).message }),
  );
});
process.on('disconnect', () => process.exit(0));

import(pathToFileURL(entry).href).then(
  () => {
    evaluated = true;
    fake.record('entry.evaluated');
    process.channel?.ref();
    // Electron emits `ready` from its own event loop once the entry has evaluated.
    setImmediate(() => app.emitReady());
  },
  (error: unknown) => {
    evaluated = true;
    fake.record('entry.threw', { message: (error as Error).message });
    process.exit(70);
  },
);
