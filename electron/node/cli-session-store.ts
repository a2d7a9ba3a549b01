import { readdir } from 'node:fs/promises';
import {
  parseSessionRecord,
  sessionEndReason,
  type SessionRecord,
  type SessionTimes,
} from '../core/vault/session-record.js';
import { SecretFileStore } from './secret-file-store.js';

const EXTENSION = '.session';
const FILE = /^vault-([A-Za-z0-9-]+)-([0-9a-f]{32})\.session$/;

/**
 * The machine's clock that no change of the wall clock moves, shared by every process since boot
 * (CLOCK_MONOTONIC, mach_absolute_time, QueryPerformanceCounter): what a session's start is kept
 * in besides the wall clock. In ms.
 */
export function machineMonotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

/**
 * The records of CLI sessions: `vault-<vault id>-<session id>.session`, 0600 files in the 0700 key
 * folder beside the device keys and high-water marks, written atomically. A record holds the vault
 * key only sealed under its session key, which is never stored.
 */
export class CliSessionStore {
  private readonly files: SecretFileStore;

  constructor(readonly dir: string) {
    this.files = new SecretFileStore(dir, EXTENSION);
  }

  private static nameOf(vaultId: string, sessionId: string): string {
    return `vault-${vaultId}-${sessionId}`;
  }

  write(record: SessionRecord): Promise<void> {
    const bytes = new TextEncoder().encode(`${JSON.stringify(record)}\n`);
    return this.files.write(CliSessionStore.nameOf(record.vaultId, record.sessionId), bytes);
  }

  /** The record of `sessionId` for this vault, or null when there is none. */
  async read(vaultId: string, sessionId: string): Promise<SessionRecord | null> {
    const bytes = await this.files.read(CliSessionStore.nameOf(vaultId, sessionId));
    return bytes ? parseSessionRecord(bytes) : null;
  }

  remove(vaultId: string, sessionId: string): Promise<void> {
    return this.files.remove(CliSessionStore.nameOf(vaultId, sessionId));
  }

  /**
   * Deletes the stored sessions of `vaultId` (and `sessionId`'s, whichever vault it is of), or only
   * those that are over at `times`. Returns how many of those deleted were still running.
   */
  async end(options: {
    vaultId: string;
    sessionId?: string;
    times: SessionTimes;
    onlyOver?: boolean;
  }): Promise<number> {
    const { vaultId, sessionId, times, onlyOver } = options;
    let running = 0;
    for (const entry of await this.list()) {
      if (entry.vaultId !== vaultId && entry.sessionId !== sessionId) continue;
      const record = await this.read(entry.vaultId, entry.sessionId).catch(() => null);
      const over = record === null || sessionEndReason(record, times) !== null;
      if (onlyOver && !over) continue;
      if (!over) running++;
      await this.remove(entry.vaultId, entry.sessionId);
    }
    return running;
  }

  /** Every stored session, as its vault and session ids (from the file names; nothing is read). */
  async list(): Promise<{ vaultId: string; sessionId: string }[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names.flatMap((name) => {
      const match = FILE.exec(name);
      return match ? [{ vaultId: match[1]!, sessionId: match[2]! }] : [];
    });
  }
}
