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
// The parts: fake-records.ts (shared state), fake-app.ts (app, windows), fake-desktop.ts (the rest).
import { allNotifications, allTrays, defaultSession } from './fake-desktop.js';
import { PLATFORM, PreventableEvent, record, records } from './fake-records.js';

export type { FakeRecord } from './fake-records.js';
export { app, FakeBrowserWindow, FakeBrowserWindow as BrowserWindow } from './fake-app.js';
export {
  clipboard,
  dialog,
  FakeNotification,
  FakeNotification as Notification,
  FakeTray,
  FakeTray as Tray,
  flattenMenu,
  ipcMain,
  Menu,
  nativeImage,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  type FakeMenuItem,
} from './fake-desktop.js';

/** What lifecycle-runner.ts uses to drive the fake; not part of Electron's API. */
export const fake = {
  platform: PLATFORM,
  records,
  record,
  trays: allTrays,
  notifications: allNotifications,
  session: defaultSession,
  PreventableEvent,
};
