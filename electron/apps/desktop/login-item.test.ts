import { describe, expect, it } from 'vitest';
import {
  applyStartAtLogin,
  desktopEntry,
  HIDDEN_ARG,
  loginCommand,
  quoteExecArg,
  startsHidden,
  xdgAutostartDir,
  type LoginItemDeps,
} from './login-item.js';

function deps(platform: NodeJS.Platform, command = ['/opt/Afterword/afterword']) {
  const calls: unknown[] = [];
  const d: LoginItemDeps = {
    platform,
    command,
    autostartDir: '/home/ann/.config/autostart',
    setLoginItemSettings: (s) => void calls.push(['login-item', s]),
    writeFile: async (p, c) => void calls.push(['write', p, c]),
    removeFile: async (p) => void calls.push(['remove', p]),
  };
  return { d, calls };
}

describe('applyStartAtLogin', () => {
  it('uses the login item on macOS, with the hidden flag on Windows', async () => {
    const mac = deps('darwin');
    await applyStartAtLogin(true, mac.d);
    expect(mac.calls).toEqual([['login-item', { openAtLogin: true }]]);
    const win = deps('win32', ['C:\\Program Files\\Afterword\\Afterword.exe']);
    await applyStartAtLogin(false, win.d);
    expect(win.calls).toEqual([['login-item', { openAtLogin: false, args: ['--hidden'] }]]);
  });

  it('writes or removes an XDG autostart entry on Linux', async () => {
    const on = deps('linux', ['/usr/bin/electron', '/home/ann/afterword/dist/electron/apps/desktop/main.js']);
    await applyStartAtLogin(true, on.d);
    expect(on.calls[0]).toEqual([
      'write',
      '/home/ann/.config/autostart/afterword.desktop',
      expect.stringContaining(
        'Exec="/usr/bin/electron" "/home/ann/afterword/dist/electron/apps/desktop/main.js" "--hidden"\n',
      ),
    ]);
    const off = deps('linux');
    await applyStartAtLogin(false, off.d);
    expect(off.calls).toEqual([['remove', '/home/ann/.config/autostart/afterword.desktop']]);
  });
});

describe('desktop entry', () => {
  it('is a valid application entry', () => {
    const entry = desktopEntry(['/opt/Afterword/afterword']);
    expect(entry.split('\n')).toEqual(
      expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Name=Afterword', 'Terminal=false']),
    );
  });

  it('quotes paths the way the spec says, so a path cannot inject arguments or field codes', () => {
    expect(quoteExecArg('/home/a b/app')).toBe('"/home/a b/app"');
    expect(quoteExecArg('/x/"q"$HOME`id`\\')).toBe('"/x/\\"q\\"\\$HOME\\`id\\`\\\\"');
    expect(quoteExecArg('/x/100%/%f')).toBe('"/x/100%%/%%f"');
    expect(() => quoteExecArg('/x\nExec=evil')).toThrow(/control characters/);
  });
});

describe('settings', () => {
  // Whether to start at login is the contract's `settings.get` (on unless turned off), read by DesktopSession.settings().
  it('autostart lives under XDG_CONFIG_HOME', () => {
    expect(xdgAutostartDir({}, '/home/ann')).toBe('/home/ann/.config/autostart');
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg/autostart');
  });
});

describe('loginCommand and startsHidden', () => {
  const base = { execPath: '/tmp/.mount_AfterwXYZ/afterword', entryFile: '/app/dist/electron/apps/desktop/main.js' };

  it('an AppImage starts from $APPIMAGE, not from its temporary mount', () => {
    expect(loginCommand({ ...base, packaged: true, env: { APPIMAGE: '/home/me/Apps/Afterword.AppImage' } })).toEqual([
      '/home/me/Apps/Afterword.AppImage',
    ]);
    expect(loginCommand({ ...base, packaged: true, env: {} })).toEqual([base.execPath]);
    expect(loginCommand({ ...base, packaged: false, env: { APPIMAGE: '/x.AppImage' } })).toEqual([
      base.execPath,
      base.entryFile,
    ]);
  });

  it('starts hidden with --hidden, or on macOS when opened as a login item (which takes no arguments)', () => {
    expect(startsHidden(['afterword', HIDDEN_ARG], 'linux', () => false)).toBe(true);
    expect(startsHidden(['afterword'], 'linux', () => true)).toBe(false);
    expect(startsHidden(['Afterword'], 'darwin', () => true)).toBe(true);
    expect(startsHidden(['Afterword'], 'darwin', () => false)).toBe(false);
  });
});
