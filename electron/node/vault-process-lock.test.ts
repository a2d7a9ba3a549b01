import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultBusyError } from '../core/errors.js';
import { LOCK_FILE, STALE_MS, VaultProcessLock, currentHolder, type ProcessLockDeps } from './vault-process-lock.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterword-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2027, 0, 1);

function world(overrides: Partial<ProcessLockDeps> & { alive?: Set<number> } = {}): ProcessLockDeps {
  const alive = overrides.alive ?? new Set([100, 200]);
  return { now: () => T0, host: 'laptop', isAlive: (pid) => alive.has(pid), ...overrides };
}

async function busy(promise: Promise<unknown>): Promise<VaultBusyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultBusyError);
  return error as VaultBusyError;
}

describe('VaultProcessLock', () => {
  it('one holder at a time; the second is told who holds it; release frees it', async () => {
    const first = await VaultProcessLock.acquire(dir, 'afterword serve', world({ pid: 100 }));
    const refused = await busy(VaultProcessLock.acquire(dir, 'afterword run', world({ pid: 200 })));
    expect(refused.code).toBe('VAULT_BUSY');
    expect(refused.holder).toEqual({
      program: 'afterword serve',
      pid: 100,
      host: 'laptop',
      since: T0,
      scheduling: false,
    });
    expect(refused.message).toMatch(/already run by `afterword serve` \(pid 100 on laptop/);
    expect(await currentHolder(dir, world())).toMatchObject({ pid: 100 });
    await first.release();
    expect(await readdir(dir)).toEqual([]);
    const second = await VaultProcessLock.acquire(dir, 'afterword run', world({ pid: 200 }));
    expect(second.holder.pid).toBe(200);
    await second.release();
  });

  it('takes over from a process of this machine that died, or from a heartbeat that stopped', async () => {
    const dead = await VaultProcessLock.acquire(dir, 'afterword run', world({ pid: 300 }));
    expect(await currentHolder(dir, world())).toBeNull();
    const after = await VaultProcessLock.acquire(dir, 'afterword serve', world({ pid: 100 }));
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 100 });
    // The old holder, had it only been frozen, must not write over the new one.
    expect(await dead.beat()).toBe(false);
    await dead.release();
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 100 });

    // Another machine sharing the folder: alive or not cannot be asked, its heartbeat tells.
    const elsewhere = world({ host: 'nas', pid: 100 });
    await busy(VaultProcessLock.acquire(dir, 'afterword serve', { ...elsewhere, now: () => T0 + STALE_MS - 1 }));
    const taken = await VaultProcessLock.acquire(dir, 'afterword serve', { ...elsewhere, now: () => T0 + STALE_MS });
    expect(taken.holder.host).toBe('nas');
    await after.release();
    await taken.release();
  });

  it('a heartbeat keeps the lock fresh', async () => {
    let now = T0;
    const lock = await VaultProcessLock.acquire(
      dir,
      'afterword serve',
      world({ host: 'nas', pid: 100, now: () => now }),
    );
    now += STALE_MS - 1;
    expect(await lock.beat()).toBe(true);
    now += STALE_MS - 1;
    await busy(VaultProcessLock.acquire(dir, 'afterword run', world({ pid: 200, now: () => now })));
    await lock.release();
  });

  it('a garbled lock file is held by nobody', async () => {
    await writeFile(join(dir, LOCK_FILE), '{"program": "afterw');
    const lock = await VaultProcessLock.acquire(dir, 'afterword run', world({ pid: 100 }));
    expect(lock.holder.pid).toBe(100);
    await lock.release();
  });

  it('of several starting at once, exactly one gets it', async () => {
    const results = await Promise.allSettled(
      [100, 200, 300, 400].map((pid) =>
        VaultProcessLock.acquire(dir, 'afterword serve', world({ pid, alive: new Set([100, 200, 300, 400]) })),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await (won[0] as PromiseFulfilledResult<VaultProcessLock>).value.release();
  });

  it('a live process of this machine keeps its lock however late its heartbeat (a laptop waking from sleep)', async () => {
    const sleeper = await VaultProcessLock.acquire(dir, 'the Afterword desktop app', world({ pid: 100 }));
    await busy(VaultProcessLock.acquire(dir, 'afterword tick', world({ pid: 200, now: () => T0 + 8 * 60 * 60_000 })));
    await sleeper.release();
  });

  it("a lock from before a reboot, or naming our own pid (reused), is nobody's", async () => {
    await VaultProcessLock.acquire(dir, 'afterword serve', world({ pid: 100, bootId: 'boot-1' }));
    const afterReboot = await VaultProcessLock.acquire(dir, 'afterword serve', world({ pid: 200, bootId: 'boot-2' }));
    expect(afterReboot.holder.pid).toBe(200);
    const reused = await VaultProcessLock.acquire(dir, 'afterword serve', world({ pid: 200, bootId: 'boot-2' }));
    expect(reused.holder.since).toBe(T0);
    await reused.release();
  });

  it('says whether the holder is scheduling; a starting process waits for a tick, not for anyone else', async () => {
    const tick = await VaultProcessLock.acquire(dir, 'afterword tick', { ...world({ pid: 100 }), scheduling: true });
    expect(await currentHolder(dir, world())).toMatchObject({ program: 'afterword tick', scheduling: true });
    setTimeout(() => void tick.release(), 300);
    const serve = await VaultProcessLock.acquire(dir, 'afterword serve', {
      ...world({ pid: 200 }),
      now: Date.now,
      waitMs: 10_000,
    });
    expect(await currentHolder(dir, world())).toMatchObject({ program: 'afterword serve', scheduling: false });
    await serve.setScheduling(true);
    expect(await currentHolder(dir, world())).toMatchObject({ scheduling: true });
    const started = Date.now();
    await busy(
      VaultProcessLock.acquire(dir, 'afterword run', { ...world({ pid: 300 }), now: Date.now, waitMs: 10_000 }),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    await serve.release();
  });

  it('a heartbeat puts back a lock file that vanished, and reports trouble instead of throwing', async () => {
    const trouble: string[] = [];
    const lock = await VaultProcessLock.acquire(dir, 'afterword serve', {
      ...world({ pid: 100 }),
      onTrouble: (t) => trouble.push(t),
    });
    await rm(join(dir, LOCK_FILE));
    expect(await lock.beat()).toBe(true);
    expect(await currentHolder(dir, world())).toMatchObject({ pid: 100 });
    await rm(join(dir, LOCK_FILE));
    await VaultProcessLock.acquire(dir, 'afterword run', world({ pid: 200 }));
    expect(await lock.beat()).toBe(false);
    expect(trouble).toEqual([expect.stringMatching(/taken by afterword run \(pid 200\)/)]);
  });
});
