import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { PublishedCheckin } from './checkin-record.js';

/**
 * What a CheckinExchange must remember across restarts. Nothing secret: counters, runner ids and
 * times (no message content).
 */
export interface ExchangeState {
  format: 1;
  vaultId: string;
  /** This runner's last publication, and the newest local check-in (its row id) it accounted for. */
  published: { seq: number; checkinId: number };
  /** By runner id: the highest seq of that runner applied here (or set aside as already known). */
  applied: Record<string, number>;
  /** A standby following, with no vault to apply to: the newest primary check-in seen, applied on a takeover. */
  pendingPrimary: PublishedCheckin | null;
}

export interface ExchangeStateStore {
  /** null: nothing kept yet (or kept for another vault, or unreadable). */
  load(): Promise<ExchangeState | null>;
  save(state: ExchangeState): Promise<void>;
}

/** Beside the vault, or in a standby's folder. */
export const CHECKIN_EXCHANGE_FILE = 'standby-checkins.json';

/** The state as a small 0600 JSON file, replaced in one rename (a crash leaves the old or the new one). */
export function fileExchangeState(path: string): ExchangeStateStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      try {
        const state = JSON.parse(text) as ExchangeState;
        return state.format === 1 && typeof state.vaultId === 'string' ? state : null;
      } catch {
        return null;
      }
    },
    async save(state) {
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}
