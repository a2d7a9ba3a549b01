import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { AppCore } from './app-core.js';
import { createRouter } from './router.js';
import type { Caller } from './router-types.js';

async function tempVault() {
  const root = await mkdtemp(join(tmpdir(), 'afterword-appcore-'));
  const deps = {
    vaultDir: join(root, 'vault'),
    clock: new ManualClock(Date.UTC(2027, 0, 1)),
    keyStore: new FileKeyStore(join(root, 'keys')),
    scrypt: { logN: 15, r: 8, p: 1 },
  };
  return { root, deps };
}

describe('AppCore', () => {
  it('without unattended delivery, a UI lock keeps the key for the scheduler for the life of the process', async () => {
    const { root, deps } = await tempVault();
    try {
      const app = new AppCore(deps);
      await app.create('correct horse battery');
      expect(app.vaultOrThrow().deviceKeyStatus().enabled).toBe(false);
      const locks: boolean[] = [];
      app.events.subscribe((name, payload) => {
        if (name === 'vault.lockChanged') locks.push((payload as { unlocked: boolean }).unlocked);
      });
      app.lock();
      expect(locks).toEqual([false]);
      expect(app.isUiUnlocked).toBe(false);
      expect(() => app.unlockedServices()).toThrow(/locked/);
      expect(app.isWatching).toBe(true);
      expect(app.vaultOrThrow().isUnlocked).toBe(true);
      const { tick } = await app.engineOrThrow().runOnce('test'); // the scheduler still runs while the UI is locked
      expect(tick).toBeDefined();
      await app.close();

      // A new process has no key until the owner unlocks once.
      const next = new AppCore(deps);
      await next.open();
      expect(next.isWatching).toBe(false);
      await next.unlock('correct horse battery');
      next.lock();
      expect(next.isWatching).toBe(true);
      await next.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('opens the vault once when asked twice at the same time, and keeps the key for unattended delivery after a UI lock', async () => {
    const { root, deps } = await tempVault();
    try {
      const first = new AppCore(deps);
      await first.create('correct horse battery');
      await first.unlockedServices().vault.enableDeviceKey(deps.keyStore);
      await first.close();

      const app = new AppCore(deps);
      const [a, b] = await Promise.all([app.open(), app.open()]);
      expect(a).toBe(b);
      expect(app.isUiUnlocked).toBe(false);
      expect(() => app.unlockedServices()).toThrow(/locked/);
      expect(app.keyedServices()).toBeDefined(); // the scheduler runs on the device key
      expect(app.unattendedProblem).toBeNull();
      await app.unlock('correct horse battery');
      expect(app.isUiUnlocked).toBe(true);
      app.lock();
      expect(app.isUiUnlocked).toBe(false);
      expect(app.engineOrThrow()).toBeDefined(); // still delivering
      await app.close();

      await deps.keyStore.delete(`vault-${a.vaultId}`);
      const broken = new AppCore(deps);
      await broken.open();
      expect(broken.unattendedProblem).toMatch(/device key is missing/);
      expect(() => broken.engineOrThrow()).toThrow(/locked/);
      await broken.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('plan.stateChanged', () => {
  it('is announced by the core once per stored transition, whoever caused it: a tick, a check-in, a pause, a resume, a stop', async () => {
    const { root, deps } = await tempVault();
    try {
      const app = new AppCore(deps);
      const recoveryKey = await app.create('correct horse battery');
      const router = createRouter(app);
      const owner: Caller = { role: 'owner', transport: 'test' };
      const heard: string[] = [];
      app.events.subscribe((name, payload) => {
        if (name === 'plan.stateChanged') heard.push((payload as { to: string }).to);
      });
      const call = async (method: string, input: unknown = {}) => {
        const reply = await router.call(method, input, owner);
        if (!reply.ok) throw new Error(`${method}: ${reply.code}`);
        return reply.data as { transitions?: unknown[] };
      };
      const ann = (await call('recipients.create', {
        name: 'Ann',
        type: 'email',
        contact: 'ann@example.org',
      })) as unknown as { id: string };
      await call('messages.create', { title: 'For Ann', body: 'Dear Ann', recipientIds: [ann.id] });
      const { tick } = await app.engineOrThrow().runOnce('test'); // arms the default plan
      expect(tick.transitions.map((t) => t.to)).toEqual(['scheduled']);
      expect(heard).toEqual(['scheduled']);

      const counts: number[] = [];
      for (const [method, input] of [
        ['plans.pause', { until: deps.clock.now() + 86_400_000 }],
        ['plans.resume', {}],
        ['checkin', {}],
        ['plans.stop', { recoveryKey }],
      ] as const) {
        const before = heard.length;
        const { transitions } = await call(method, input);
        counts.push(transitions!.length);
        expect(heard.length - before, method).toBe(transitions!.length);
      }
      expect(counts).toEqual([1, 1, 1, 1]);
      expect(heard).toEqual(['scheduled', 'paused', 'scheduled', 'scheduled', 'stopped']);
      await app.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
