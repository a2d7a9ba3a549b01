import { describe, expect, it } from 'vitest';
import { appMenuTemplate, type AppMenuItem } from './app-menu.js';

const flat = (items: AppMenuItem[]): string[] =>
  items.flatMap((i) => [i.label ?? i.role ?? i.type ?? '?', ...(i.submenu ? flat(i.submenu) : [])]);
const actions = { lock: () => undefined, closeWindow: () => undefined, quit: () => undefined };

describe('appMenuTemplate', () => {
  it.each(['linux', 'win32', 'darwin'] as const)(
    'packaged on %s: no Reload, no DevTools; Lock, Quit, and the Edit roles',
    (platform) => {
      const names = flat(appMenuTemplate({ platform, packaged: true }, actions));
      expect(names.filter((n) => /reload|devtools/i.test(n))).toEqual([]);
      expect(names).toEqual(expect.arrayContaining(['Lock', 'copy', 'paste', 'selectAll']));
      expect(names.some((n) => n.startsWith('Quit'))).toBe(true);
    },
  );

  it('a development build keeps Reload and DevTools', () => {
    expect(flat(appMenuTemplate({ platform: 'linux', packaged: false }, actions))).toEqual(
      expect.arrayContaining(['reload', 'toggleDevTools']),
    );
  });

  it('the menu items act', () => {
    const calls: string[] = [];
    const menu = appMenuTemplate(
      { platform: 'linux', packaged: true },
      { lock: () => calls.push('lock'), closeWindow: () => calls.push('close'), quit: () => calls.push('quit') },
    );
    for (const item of menu.flatMap((i) => i.submenu ?? [])) item.click?.();
    expect(calls).toEqual(['lock', 'close', 'quit']);
  });
});
