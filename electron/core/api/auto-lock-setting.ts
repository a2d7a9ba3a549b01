import { MINUTE_MS } from '../../../shared/durations.js';
import type { SettingsRepo } from '../repo/settings.js';
import type { AppCore } from './app-core.js';

export const UI_SETTINGS = { autoLockMinutes: 'ui.autoLockMinutes', startAtLogin: 'ui.startAtLogin' } as const;
export const DEFAULT_AUTO_LOCK_MINUTES = 15;

/** The owner's auto-lock minutes (0: never). */
export function autoLockMinutesOf(settings: SettingsRepo): number {
  return settings.get<number>(UI_SETTINGS.autoLockMinutes) ?? DEFAULT_AUTO_LOCK_MINUTES;
}

/**
 * How long the owner's UI may sit idle before it locks, for a front door that tracks idleness
 * itself (the runner's sessions); null when it never locks or the key is not in memory.
 */
export function autoLockMs(app: AppCore): number | null {
  let minutes: number;
  try {
    minutes = autoLockMinutesOf(app.keyedServices().settings);
  } catch {
    return null;
  }
  return minutes > 0 ? minutes * MINUTE_MS : null;
}
