import { join } from 'node:path';

/** Passed at login so the app starts in the tray without opening its window. */
export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE = 'afterword.desktop';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  /** app.setLoginItemSettings (macOS and Windows only). */
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  /** How to start this app: the executable, then (unpackaged) the entry script. */
  command: string[];
  /** Linux: the XDG autostart directory ($XDG_CONFIG_HOME/autostart). */
  autostartDir: string;
  writeFile(path: string, content: string): Promise<void>;
  removeFile(path: string): Promise<void>;
}

/**
 * How to start this app at login. Packaged: the executable — except in an AppImage, whose
 * `process.execPath` is inside a temporary mount gone after the next reboot: there the AppImage
 * file itself ($APPIMAGE, set by the AppImage runtime). Unpackaged: the executable and this entry.
 */
export function loginCommand(options: {
  packaged: boolean;
  execPath: string;
  entryFile: string;
  env: Readonly<Record<string, string | undefined>>;
}): string[] {
  if (!options.packaged) return [options.execPath, options.entryFile];
  return [options.env.APPIMAGE || options.execPath];
}

/**
 * Whether to start in the tray without opening the window: started with HIDDEN_ARG (Windows login
 * item, Linux autostart), or on macOS opened as a login item (its login items take no arguments
 * since macOS 13's SMAppService; Electron reports `wasOpenedAtLogin`).
 */
export function startsHidden(
  argv: readonly string[],
  platform: NodeJS.Platform,
  wasOpenedAtLogin: () => boolean,
): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  return platform === 'darwin' && wasOpenedAtLogin();
}

/** $XDG_CONFIG_HOME/autostart, or ~/.config/autostart. */
export function xdgAutostartDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart');
}

/** One Exec= argument, quoted as the Desktop Entry spec says (and % doubled, as field codes require). */
export function quoteExecArg(arg: string): string {
  // eslint-disable-next-line no-control-regex -- a newline or NUL would start a new key
  if (/[\u0000-\u001f]/.test(arg)) throw new Error('a path with control characters cannot go into an autostart entry');
  return `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}

export function desktopEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Afterword',
    'Comment=Asks whether you are there; delivers your messages if you are not',
    `Exec=${[...command, HIDDEN_ARG].map(quoteExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Turns start-at-login on or off: a login item on macOS/Windows, an XDG autostart entry on Linux. */
export async function applyStartAtLogin(enabled: boolean, deps: LoginItemDeps): Promise<void> {
  if (deps.platform === 'darwin' || deps.platform === 'win32') {
    deps.setLoginItemSettings({
      openAtLogin: enabled,
      ...(deps.platform === 'win32' ? { args: [...deps.command.slice(1), HIDDEN_ARG] } : {}),
    });
    return;
  }
  const file = join(deps.autostartDir, AUTOSTART_FILE);
  if (enabled) await deps.writeFile(file, desktopEntry(deps.command));
  else await deps.removeFile(file);
}
