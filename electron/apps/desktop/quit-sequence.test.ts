import { describe, expect, it } from 'vitest';
import { QuitSequence, type QuitSequenceDeps } from './quit-sequence.js';
import { memoryLogger } from './test-support/memory-logger.js';

/** A wait the test ends by hand, so no timing is involved. */
function manualWait() {
  const waits: { ms: number; signal: AbortSignal; elapse(): void }[] = [];
  const wait: QuitSequenceDeps['wait'] = (ms, signal) =>
    new Promise<void>((resolve) => {
      waits.push({ ms, signal, elapse: resolve });
    });
  return { waits, wait };
}

function setup(close: () => Promise<void>) {
  const log = memoryLogger();
  const progress: string[] = [];
  const timer = manualWait();
  const quit = new QuitSequence({ close, progress: (t) => progress.push(t), wait: timer.wait, graceMs: 10_000, log });
  return { quit, log, progress, timer };
}

describe('QuitSequence', () => {
  it('closes the vault, shows the progress, and is done when closed (the grace timer is cancelled)', async () => {
    let closes = 0;
    const s = setup(async () => void closes++);
    expect(s.quit.started).toBe(false);
    await Promise.all([s.quit.run('quit'), s.quit.run('system shutdown')]);
    expect(closes).toBe(1);
    expect(s.quit.done).toBe(true);
    expect(s.progress).toEqual([expect.stringContaining('Quitting: finishing the send in flight (at most 10 s)')]);
    expect(s.timer.waits).toHaveLength(1);
    expect(s.timer.waits[0]!.signal.aborted).toBe(true);
  });

  it('does not wait past the grace period for a send that hangs: the outbox keeps it', async () => {
    const s = setup(() => new Promise<void>(() => undefined)); // an SMTP server that never answers
    const running = s.quit.run('quit');
    expect(s.quit.started).toBe(true);
    await Promise.resolve();
    expect(s.quit.done).toBe(false);
    s.timer.waits[0]!.elapse();
    await running;
    expect(s.quit.done).toBe(true);
    expect(s.log.lines.at(-1)).toMatchObject({
      level: 'warn',
      message: expect.stringContaining('the outbox sends it again'),
    });
  });

  it('a failing close still lets the app quit, and says why', async () => {
    const s = setup(async () => {
      throw new Error('database is locked');
    });
    await s.quit.run('session end');
    expect(s.quit.done).toBe(true);
    expect(s.log.lines.some((l) => l.level === 'error' && l.fields?.error === 'database is locked')).toBe(true);
  });
});
