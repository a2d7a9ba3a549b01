import { describe, expect, it } from 'vitest';
import { inPool } from './shard-transfer.js';
import { UploadLanes } from './upload-lanes.js';

/** A task that stays in flight until released; counts how many run at once. */
function gate() {
  let running = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  const task =
    (fail = false) =>
    async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running -= 1;
      if (fail) throw new Error('the upload failed');
    };
  const releaseAll = (): void => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  return { task, releaseAll, stats: () => ({ running, peak }) };
}

describe('UploadLanes', () => {
  it('keeps at most `limit` uploads in flight and starts the next as soon as one lane is free', async () => {
    const lanes = new UploadLanes(3);
    const g = gate();
    let started = 0;
    const feeder = (async () => {
      for (let i = 0; i < 10; i++) {
        await lanes.free();
        lanes.start(g.task());
        started += 1;
      }
    })();
    while (started < 10) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(g.stats().running).toBeLessThanOrEqual(3);
      g.releaseAll();
    }
    await feeder;
    g.releaseAll();
    await lanes.idle();
    expect(g.stats()).toEqual({ running: 0, peak: 3 });
  });

  it('a failure stops the feeding and is thrown by idle() once the running uploads have settled', async () => {
    const lanes = new UploadLanes(2);
    const g = gate();
    await lanes.free();
    lanes.start(g.task(true));
    await lanes.free();
    lanes.start(g.task());
    const next = lanes.free();
    g.releaseAll();
    await expect(next).rejects.toThrow('the upload failed');
    await expect(lanes.idle()).rejects.toThrow('the upload failed');
    expect(g.stats().running).toBe(0);
  });
});

describe('inPool', () => {
  it('starts no task after a failure and settles the running ones before it throws', async () => {
    const seen: number[] = [];
    let running = 0;
    const outcome = inPool([0, 1, 2, 3, 4, 5, 6, 7], 2, async (item) => {
      seen.push(item);
      running += 1;
      await new Promise((resolve) => setTimeout(resolve, item === 1 ? 20 : 1));
      running -= 1;
      if (item === 0) throw new Error(`task ${item} failed`);
    });
    await expect(outcome).rejects.toThrow('task 0 failed');
    expect(running).toBe(0);
    expect(seen).toEqual([0, 1]);
  });
});
