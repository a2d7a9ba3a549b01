import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VaultBusyError, type VaultHolder } from '../core/errors.js';

export const LOCK_FILE = 'scheduler.lock';
/** The holder rewrites its lock this often; one not rewritten for STALE_MS is a process that died. */
export const HEARTBEAT_MS = 60_000;
export const STALE_MS = 5 * 60_000;

interface LockRecord extends VaultHolder {
  nonce: string;
  heartbeatAt: number;
}

export interface ProcessLockDeps {
  /** Real time: a lock is about processes, not the (possibly fake) scheduler clock. */
  now?: () => number;
  pid?: number;
  host?: string;
  /** Whether a process of this machine is alive (signal 0). */
  isAlive?: (pid: number) => boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Liveness {
  now: () => number;
  host: string;
  isAlive: (pid: number) => boolean;
}

function livenessOf(deps: ProcessLockDeps): Liveness {
  return { now: deps.now ?? Date.now, host: deps.host ?? hostname(), isAlive: deps.isAlive ?? processAlive };
}

/** A holder that is gone: a process of this machine that no longer exists, or a stopped heartbeat. */
function isGone(holder: LockRecord, { now, host, isAlive }: Liveness): boolean {
  return (holder.host === host && !isAlive(holder.pid)) || now() - holder.heartbeatAt >= STALE_MS;
}

const holderOf = ({ program, pid, host, since }: LockRecord): VaultHolder => ({ program, pid, host, since });

async function readRecord(path: string): Promise<LockRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Half-written or garbage: treat as a lock of unknown age held by nobody alive.
    return { program: 'unknown', pid: 0, host: '', since: 0, heartbeatAt: 0, nonce: '' };
  }
}

/**
 * One process per vault schedules and sends: the desktop app, `serve` or `run`. Two of them
 * would both claim and send (the outbox's lease narrows that, it does not close it). The lock is a
 * file in the vault directory naming its holder, created exclusively, kept fresh by a heartbeat,
 * and taken over only from a holder that is gone: a process of this machine that no longer
 * exists, or one whose heartbeat stopped (another machine sharing the folder, a frozen process).
 */
export class VaultProcessLock {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly path: string,
    private record: LockRecord,
    private readonly now: () => number,
  ) {}

  static async acquire(vaultDir: string, program: string, deps: ProcessLockDeps = {}): Promise<VaultProcessLock> {
    const liveness = livenessOf(deps);
    const { now, host } = liveness;
    const path = join(vaultDir, LOCK_FILE);
    const at = now();
    const record: LockRecord = { program, pid: deps.pid ?? process.pid, host, since: at, heartbeatAt: at, nonce: randomBytes(12).toString('hex') };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await writeFile(path, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
        const lock = new VaultProcessLock(path, record, now);
        lock.startHeartbeat();
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readRecord(path);
      if (!holder) continue;
      if (!isGone(holder, liveness)) throw new VaultBusyError(holderOf(holder));
      await VaultProcessLock.takeOver(path, holder);
    }
    throw new VaultBusyError({ program: 'unknown', pid: 0, host, since: at });
  }

  /**
   * Moves a dead holder's file aside. Only one of several processes doing this at once succeeds;
   * one that moved a file it did not judge (a new holder's) puts it back.
   */
  private static async takeOver(path: string, judged: LockRecord): Promise<void> {
    const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
    try {
      await rename(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const moved = await readRecord(aside);
    if (moved && moved.nonce !== judged.nonce) {
      await rename(aside, path).catch(() => undefined);
      return;
    }
    await rm(aside, { force: true });
  }

  get holder(): VaultHolder {
    return holderOf(this.record);
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Rewrites the heartbeat, only while the file is still this process's. */
  async beat(): Promise<boolean> {
    const current = await readRecord(this.path);
    if (current?.nonce !== this.record.nonce) return false;
    this.record = { ...this.record, heartbeatAt: this.now() };
    const tmp = `${this.path}.${this.record.nonce}`;
    await writeFile(tmp, JSON.stringify(this.record), { mode: 0o600 });
    await rename(tmp, this.path);
    return true;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const current = await readRecord(this.path);
    if (current?.nonce === this.record.nonce) await rm(this.path, { force: true });
  }
}

/** Who holds the vault's lock now, if anyone alive does (for `tick`, which does not wait). */
export async function currentHolder(vaultDir: string, deps: ProcessLockDeps = {}): Promise<VaultHolder | null> {
  const holder = await readRecord(join(vaultDir, LOCK_FILE));
  return holder && !isGone(holder, livenessOf(deps)) ? holderOf(holder) : null;
}
