import { preloadApi } from '../client/ipc-transport';

/** Key caps as printed on the keyboard: ⌘ on a Mac, Ctrl elsewhere. */
export function modKey(): string {
  return /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘' : 'Ctrl';
}

/**
 * A browser tab never receives Ctrl+N / ⌘+N (the browser opens a window with it), so there a new
 * message is Alt+N (⌥+N), which browsers leave to the page; the desktop app keeps the usual one.
 */
export function newMessageHotkey(): { hotkey: string; keys: string } {
  if (preloadApi()) return { hotkey: 'mod+N', keys: `${modKey()}+N` };
  return { hotkey: 'alt+N', keys: /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌥+N' : 'Alt+N' };
}

export const SHORTCUTS = {
  checkin: () => `${modKey()}+Shift+H`,
  newMessage: () => newMessageHotkey().keys,
};
