import { execFile } from 'node:child_process';

/** Runs a command and resolves with its stdout; rejects when it cannot run or fails. */
export type CommandRunner = (file: string, args: string[]) => Promise<string>;

export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 5_000, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(String(stdout)),
    );
  });

/** The D-Bus name of the StatusNotifier watcher that shows tray icons on Linux (KDE, AppIndicator). */
export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

const NAME_HAS_OWNER: [string, string[], RegExp][] = [
  [
    'gdbus',
    [
      'call',
      '--session',
      '--dest',
      'org.freedesktop.DBus',
      '--object-path',
      '/org/freedesktop/DBus',
      '--method',
      'org.freedesktop.DBus.NameHasOwner',
      STATUS_NOTIFIER_WATCHER,
    ],
    /\(true,?\)/,
  ],
  [
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${STATUS_NOTIFIER_WATCHER}`,
    ],
    /boolean true/,
  ],
];

/**
 * Whether a tray icon can be seen. macOS and Windows always show it. On Linux, Electron's tray is a
 * StatusNotifierItem: plain GNOME (no AppIndicator extension) has no watcher and shows nothing.
 * Asked over D-Bus with gdbus or dbus-send; when neither answers, the answer is "no" (the safe
 * one: the window then never hides out of reach). AFTERWORD_TRAY=on|off overrides the guess
 * (an XEmbed tray, say, which has no watcher).
 */
export async function trayVisible(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  run: CommandRunner = runCommand,
): Promise<boolean> {
  if (env.AFTERWORD_TRAY === 'on') return true;
  if (env.AFTERWORD_TRAY === 'off') return false;
  if (platform !== 'linux') return true;
  for (const [file, args, yes] of NAME_HAS_OWNER) {
    try {
      return yes.test(await run(file, args));
    } catch {
      // not installed, or no session bus: try the next way
    }
  }
  return false;
}
