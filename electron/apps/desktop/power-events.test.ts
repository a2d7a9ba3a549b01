import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { wirePowerEvents, type LockReason } from './power-events.js';
import { memoryLogger } from './test-support/memory-logger.js';

function setup(options: { resumeFails?: boolean; lockFails?: boolean } = {}) {
  const monitor = new EventEmitter();
  const calls: string[] = [];
  const log = memoryLogger();
  const unwire = wirePowerEvents(
    monitor,
    {
      resume: async () => {
        calls.push('resume');
        if (options.resumeFails) throw new Error('tick failed');
      },
      lock: (reason: LockReason) => {
        calls.push(`lock:${reason}`);
        if (options.lockFails) throw new Error('lock failed');
      },
      shutdown: async () => {
        calls.push('shutdown');
      },
    },
    log,
  );
  return { monitor, calls, log, unwire };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('wirePowerEvents', () => {
  it('resume runs the scheduler; suspend and lock-screen lock', () => {
    const s = setup();
    s.monitor.emit('resume');
    s.monitor.emit('suspend');
    s.monitor.emit('lock-screen');
    s.monitor.emit('unlock-screen'); // nothing: unlocking the screen never unlocks the vault
    expect(s.calls).toEqual(['resume', 'lock:suspend', 'lock:lock-screen']);
  });

  it('logs failures instead of throwing from an event listener', async () => {
    const s = setup({ resumeFails: true, lockFails: true });
    expect(() => s.monitor.emit('resume')).not.toThrow();
    expect(() => s.monitor.emit('suspend')).not.toThrow();
    await settle();
    const errors = s.log.lines.filter((l) => l.level === 'error').map((l) => l.fields?.error);
    expect(errors).toEqual(['lock failed', 'tick failed']);
  });

  it('shutdown (Linux, macOS: no before-quit) quits, delaying the shutdown as Electron documents', () => {
    const s = setup();
    let prevented = false;
    s.monitor.emit('shutdown', { preventDefault: () => (prevented = true) });
    expect(s.calls).toEqual(['shutdown']);
    expect(prevented).toBe(true);
  });

  it('unwiring removes every listener', () => {
    const s = setup();
    s.unwire();
    for (const e of ['resume', 'suspend', 'lock-screen', 'shutdown']) expect(s.monitor.listenerCount(e)).toBe(0);
    s.monitor.emit('resume');
    expect(s.calls).toEqual([]);
  });
});
