import type { Logger } from '../../core/ports/logger.js';

export interface ClosableWindow {
  hide(): void;
  minimize(): void;
}

export interface WindowCloseDeps {
  /** Quitting: the window must really close. */
  quitting(): boolean;
  /** Locks the UI (the scheduler keeps running). */
  lock(): Promise<void>;
  /** Whether a tray icon can be seen (no StatusNotifier host on plain GNOME: none). */
  trayVisible(): Promise<boolean>;
  /** Without a tray: ask whether to keep watching (minimized) or quit. */
  askWithoutTray(): Promise<'keep' | 'quit'>;
  quit(): void;
  log: Logger;
}

/**
 * The window's `close`: Afterword keeps watching, so the window is hidden, not closed, and the UI
 * locks first (reopening from the tray or a second launch asks for the password). Where no tray
 * can be seen, hiding would leave an invisible app with no way back and no Quit: the owner
 * chooses between keeping it minimized in the taskbar (locked) and quitting.
 * `preventDefault` is called synchronously, as Electron requires.
 */
export function handleWindowClose(
  event: { preventDefault(): void },
  win: ClosableWindow,
  deps: WindowCloseDeps,
): Promise<void> {
  if (deps.quitting()) return Promise.resolve();
  event.preventDefault();
  const { log } = deps;
  const locking = deps
    .lock()
    .catch((error: unknown) => log.error('locking on window close failed', { error: (error as Error)?.message }));
  return (async () => {
    await locking;
    const visible = await deps.trayVisible().catch(() => false);
    if (visible) {
      win.hide();
      return;
    }
    const choice = await deps.askWithoutTray().catch(() => 'keep' as const);
    if (choice === 'quit') deps.quit();
    else win.minimize();
  })();
}
