/** Key caps as printed on the keyboard: ⌘ on a Mac, Ctrl elsewhere. */
export function modKey(): string {
  return /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘' : 'Ctrl';
}

export const SHORTCUTS = {
  checkin: () => `${modKey()}+Shift+H`,
  newMessage: () => `${modKey()}+N`,
};
