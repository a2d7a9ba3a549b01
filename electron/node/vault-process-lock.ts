import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VaultBusyError, type VaultHolder } from '../core/errors.js';

export const LOCK_FILE = 'scheduler.lock';
/** The holder rewrites its lock this often; another machine's lock not rewritten for STALE_MS is gone. */
export const HEARTBEAT_MS = 60_000;
export const STALE_MS = 5 * 60_000;
const RETRY_MS = 250;

interface LockRecord extends VaultHolder {
  nonce: string;
  heartbeatAt: number;
  /** This boot of the machine: a lock from before a reboot is nobody's, whatever its pid. */
  bootId: string;
}

export interface ProcessLockDeps {
  /** Real time: a lock is about processes, not the (possibly fake) scheduler clock. */
  now?: () => number;
  pid?: number;
  host?: string;
  bootId?: string;
  /** Whether a process of this machine is alive (signal 0). */
  isAlive?: (pid: number) => boolean;
  /** Told when the heartbeat found the lock taken or could not write it (the holder goes on). */
  onTrouble?: (what: string) => void;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function systemBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return ''; // not Linux: pids and heartbeats decide
  }
}

interface Liveness {
  now: () => number;
  host: string;
  bootId: string;
  pid: number;
  isAlive: (pid: number) => boolean;
}

function livenessOf(deps: ProcessLockDeps): Liveness {
  return {
    now: deps.now ?? Date.now,
    host: deps.host ?? hostname(),
    bootId: deps.bootId ?? systemBootId(),
    pid: deps.pid ?? process.pid,
    isAlive: deps.isAlive ?? processAlive,
  };
}

/**
 * A holder that is gone. On this machine a live process holds its lock however late its heartbeat
 * (a laptop waking from sleep has not beaten for hours); it is gone when the machine rebooted since,
 * when its pid is ours (reused after a crash: we do not hold it), or when no such process exists.
 * Another machine sharing the folder cannot be asked: its heartbeat decides.
 */
function isGone(holder: LockRecord, me: Liveness): boolean {
  if (holder.host !== me.host) return me.now() - holder.heartbeatAt >= STALE_MS;
  if (holder.bootId && me.bootId && holder.bootId !== me.bootId) return true;
  return holder.pid === me.pid || !me.isAlive(holder.pid);
}

const holderOf = ({ program, pid, host, since, scheduling }: LockRecord): VaultHolder => ({
  program,
  pid,
  host,
  since,
  scheduling,
});

async function readRecord(path: string): Promise<LockRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Garbage (files are written whole, so not a half-written one): held by nobody alive.
    return { program: 'unknown', pid: 0, host: '', since: 0, heartbeatAt: 0, nonce: '', bootId: '', scheduling: false };
  }
}

/** Puts `record` at `path` only if nothing is there, whole (written aside, then hard-linked in). */
async function createExclusively(path: string, record: LockRecord): Promise<boolean> {
  const tmp = `${path}.${record.nonce}.new`;
  await writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * One process per vault schedules and sends: the desktop app, `serve` or `run`. Two of them
 * would both claim and send (the outbox's lease narrows that, it does not close it). The lock is a
 * file in the vault directory naming its holder and whether it is scheduling now (a desktop app
 * at the lock screen after a reboot holds the vault but cannot send: `tick` must not step aside
 * for it), created exclusively, kept fresh by a heartbeat, and taken over only from a holder that
 * is gone.
 */
export class VaultProcessLock {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly path: string,
    private record: LockRecord,
    private readonly now: () => number,
    private readonly onTrouble: (what: string) => void,
  ) {}

  /**
   * Takes the lock, waiting up to `waitMs` for a cron `tick` to let go (it holds the lock for the
   * seconds its pass takes); any other holder: VaultBusyError naming it.
   */
  static async acquire(
    vaultDir: string,
    program: string,
    deps: ProcessLockDeps & { waitMs?: number; scheduling?: boolean } = {},
  ): Promise<VaultProcessLock> {
    const me = livenessOf(deps);
    const path = join(vaultDir, LOCK_FILE);
    const at = me.now();
    const record: LockRecord = {
      program,
      pid: me.pid,
      host: me.host,
      since: at,
      heartbeatAt: at,
      nonce: randomBytes(12).toString('hex'),
      bootId: me.bootId,
      scheduling: deps.scheduling ?? false,
    };
    const deadline = at + (deps.waitMs ?? 0);
    for (;;) {
      if (await createExclusively(path, record)) {
        const lock = new VaultProcessLock(path, record, me.now, deps.onTrouble ?? (() => undefined));
        lock.startHeartbeat();
        return lock;
      }
      const holder = await readRecord(path);
      if (!holder) continue;
      if (isGone(holder, me)) {
        await VaultProcessLock.takeOver(path, holder);
        continue;
      }
      // Only a `tick` lets go by itself within seconds; anyone else is refused at once.
      if (me.now() >= deadline || !holder.program.endsWith('tick')) throw new VaultBusyError(holderOf(holder));
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
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

  /** Says whether this holder's scheduler runs (it has the vault key), for `tick` to read. */
  async setScheduling(scheduling: boolean): Promise<void> {
    if (this.record.scheduling === scheduling) return;
    this.record = { ...this.record, scheduling };
    await this.beat();
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => {
      // A disk that is full for a while must not end the process that keeps the switch running.
      this.beat().catch((error: unknown) =>
        this.onTrouble(`the lock's heartbeat could not be written: ${(error as Error).message}`),
      );
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * Rewrites the heartbeat. A lock file that is gone is put back; one that another process holds
   * now (it judged this one gone) is reported and left alone: false.
   */
  async beat(): Promise<boolean> {
    const current = await readRecord(this.path);
    this.record = { ...this.record, heartbeatAt: this.now() };
    if (!current) {
      if (await createExclusively(this.path, this.record)) return true;
      this.onTrouble('the vault lock was taken by another process');
      return false;
    }
    if (current.nonce !== this.record.nonce) {
      this.onTrouble(`the vault lock was taken by ${current.program} (pid ${current.pid})`);
      return false;
    }
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

/** Who holds the vault's lock now, if anyone alive does. */
export async function currentHolder(vaultDir: string, deps: ProcessLockDeps = {}): Promise<VaultHolder | null> {
  const holder = await readRecord(join(vaultDir, LOCK_FILE));
  return holder && !isGone(holder, livenessOf(deps)) ? holderOf(holder) : null;
}
