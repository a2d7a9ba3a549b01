import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../../core/ports/logger.js';

/**
 * Electron's powerMonitor `lock-screen` exists on macOS and Windows only. On Linux the desktop
 * announces a screen lock over D-Bus: `ActiveChanged(true)` from org.freedesktop.ScreenSaver (KDE,
 * Xfce, Cinnamon…) or org.gnome.ScreenSaver (GNOME), and logind's `Lock` signal on the session
 * (`loginctl lock-session`, which many lockers follow). Afterword listens with `gdbus monitor` (part
 * of GLib, present on nearly every desktop); without it, or without a session bus, there is
 * nothing to hear and only idle auto-lock, the tray and the menu lock.
 */

/** One `gdbus monitor` process as the watcher sees it (child_process.spawn's result). */
export interface MonitorProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  kill(): unknown;
}

export type SpawnMonitor = (args: string[]) => MonitorProcess;

export const spawnGdbus: SpawnMonitor = (args) => spawn('gdbus', args, { stdio: ['ignore', 'pipe', 'ignore'] });

/** logind's object path for a session id, escaped as systemd does (sd_bus_path_encode). */
export function logindSessionPath(sessionId: string): string {
  const escaped = [...sessionId]
    .map((c, i) =>
      /[A-Za-z0-9]/.test(c) && !(i === 0 && /[0-9]/.test(c)) ? c : `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    )
    .join('');
  return `/org/freedesktop/login1/session/${escaped}`;
}

/**
 * One line of `gdbus monitor` output → whether it announces that the screen locks. `sessionPath`
 * limits logind's Lock to this login session (another user's lock is not ours); null hears any.
 */
export function isScreenLockSignal(line: string, sessionPath: string | null): boolean {
  if (/\b(?:org\.freedesktop|org\.gnome)\.ScreenSaver\.ActiveChanged \(true,?\)/.test(line)) return true;
  const logind = /^(\/org\/freedesktop\/login1\/session\/\S+): org\.freedesktop\.login1\.Session\.Lock \(\)/.exec(
    line.trim(),
  );
  return logind !== null && (sessionPath === null || logind[1] === sessionPath);
}

/** The monitors: the session bus's screen savers, and logind on the system bus. */
export function monitorCommands(): string[][] {
  return [
    ['monitor', '--session', '--dest', 'org.freedesktop.ScreenSaver'],
    ['monitor', '--session', '--dest', 'org.gnome.ScreenSaver'],
    ['monitor', '--system', '--dest', 'org.freedesktop.login1'],
  ];
}

export interface LinuxScreenLockDeps {
  spawn: SpawnMonitor;
  /** $XDG_SESSION_ID: logind's Lock only for this session; unset, any session's. */
  sessionId?: string;
  onLock(): void;
  log: Logger;
}

/** Starts the monitors; returns a function that stops them. A monitor that cannot run is logged once, not retried. */
export function watchLinuxScreenLock(deps: LinuxScreenLockDeps): () => void {
  const sessionPath = deps.sessionId ? logindSessionPath(deps.sessionId) : null;
  const running: MonitorProcess[] = [];
  let stopped = false;
  for (const args of monitorCommands()) {
    let child: MonitorProcess;
    try {
      child = deps.spawn(args);
    } catch (error) {
      deps.log.info('cannot listen for the screen lock', { bus: args[1], error: (error as Error).message });
      continue;
    }
    running.push(child);
    child.on('error', (error) =>
      deps.log.info('cannot listen for the screen lock', { bus: args[1], error: error.message }),
    );
    child.on('exit', (code) => {
      if (!stopped) deps.log.info('stopped listening for the screen lock', { bus: args[1], dest: args[3], code });
    });
    if (!child.stdout) continue;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!isScreenLockSignal(line, sessionPath)) return;
      deps.log.info('the screen is locking: locking Afterword', { via: args[3] });
      try {
        deps.onLock();
      } catch (error) {
        deps.log.error('locking on the screen lock failed', { error: (error as Error).message });
      }
    });
  }
  return () => {
    stopped = true;
    for (const child of running) child.kill();
  };
}
