import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '../errors.js';

/**
 * A lock file not touched for this long belongs to a dead push (killed, or on a machine that slept
 * through it). A running push touches it every HEARTBEAT_MS, so a push that runs longer than this
 * (a slow line, a large vault) keeps its lock.
 */
const STALE_MS = 6 * 60 * 60 * 1000;
const HEARTBEAT_MS = 10 * 60 * 1000;

export interface PushLockTiming {
  staleMs: number;
  heartbeatMs: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One push at a time per vault (the desktop app, the runner and the CLI may share it): two pushes
 * would both write the next manifest, and the loser would take the bucket for a forked history.
 * A lock file left by a killed process (its pid gone on this host, or old) is taken over.
 */
async function createLock(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() }));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export async function withPushLock<T>(
  vaultDir: string,
  fn: () => Promise<T>,
  { staleMs, heartbeatMs }: PushLockTiming = { staleMs: STALE_MS, heartbeatMs: HEARTBEAT_MS },
): Promise<T> {
  const path = join(vaultDir, '.backup.lock');
  if (!(await createLock(path))) {
    const holder = await readFile(path, 'utf8')
      .then((text) => JSON.parse(text) as { pid: number; host: string })
      .catch(() => null);
    const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
    const dead = !holder || age > staleMs || (holder.host === hostname() && !alive(holder.pid));
    const busy = new ConflictError(
      `a backup of this vault is already running${holder ? ` (pid ${holder.pid} on ${holder.host})` : ''}: wait for it to finish`,
    );
    if (!dead) throw busy;
    await rm(path, { force: true });
    if (!(await createLock(path))) throw busy;
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await rm(path, { force: true });
  }
}
