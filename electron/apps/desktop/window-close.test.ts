import { describe, expect, it } from 'vitest';
import { memoryLogger } from './test-support/memory-logger.js';
import { handleWindowClose, type WindowCloseDeps } from './window-close.js';

function setup(options: { quitting?: boolean; tray?: boolean; choice?: 'keep' | 'quit'; lockFails?: boolean } = {}) {
  const calls: string[] = [];
  let prevented = false;
  const event = { preventDefault: () => void (prevented = true) };
  const win = { hide: () => void calls.push('hide'), minimize: () => void calls.push('minimize') };
  const deps: WindowCloseDeps = {
    quitting: () => options.quitting ?? false,
    lock: async () => {
      calls.push('lock');
      if (options.lockFails) throw new Error('lock failed');
    },
    trayVisible: async () => options.tray ?? true,
    askWithoutTray: async () => {
      calls.push('ask');
      return options.choice ?? 'keep';
    },
    quit: () => void calls.push('quit'),
    log: memoryLogger(),
  };
  return { run: () => handleWindowClose(event, win, deps), calls, prevented: () => prevented };
}

describe('handleWindowClose', () => {
  it('with a tray: prevents the close, locks the UI first, then hides the window', async () => {
    const s = setup();
    const done = s.run();
    expect(s.prevented()).toBe(true); // synchronously, as Electron requires
    await done;
    expect(s.calls).toEqual(['lock', 'hide']);
  });

  it('without a tray: locks, asks, and minimizes (never hides out of reach)', async () => {
    const s = setup({ tray: false });
    await s.run();
    expect(s.calls).toEqual(['lock', 'ask', 'minimize']);
  });

  it('without a tray, choosing Quit quits', async () => {
    const s = setup({ tray: false, choice: 'quit' });
    await s.run();
    expect(s.calls).toEqual(['lock', 'ask', 'quit']);
  });

  it('while quitting, lets the window close', async () => {
    const s = setup({ quitting: true });
    await s.run();
    expect(s.prevented()).toBe(false);
    expect(s.calls).toEqual([]);
  });

  it('a failed lock still hides the window (and is logged)', async () => {
    const s = setup({ lockFails: true });
    await s.run();
    expect(s.calls).toEqual(['lock', 'hide']);
  });
});
