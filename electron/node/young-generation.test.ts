import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectYoungGenerationNow } from './young-generation.js';

const youngUsed = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

describe('collectYoungGenerationNow', () => {
  it('ends with a young-generation collection in this Node', () => {
    const kept: object[] = [];
    for (let i = 0; i < 20_000; i++) kept.push({ i });
    const before = youngUsed();
    expect(collectYoungGenerationNow()).toBe(true);
    // Right after a collection the young generation holds only what survived it.
    expect(youngUsed()).toBeLessThan(before);
    expect(kept).toHaveLength(20_000);
  });

  it('gives up after twice the room left, when nothing is ever collected', () => {
    let calls = 0;
    let used = 1_000;
    const spaces = () => {
      calls++;
      used += 10;
      return [{ space_name: 'new_space', space_used_size: used, space_available_size: 1024 * 1024 }];
    };
    expect(collectYoungGenerationNow(spaces)).toBe(false);
    // ~2 MiB in rounds of 256 arrays of 64 slots (~135 KB each): 17 rounds, and the first look.
    expect(calls).toBeGreaterThan(10);
    expect(calls).toBeLessThan(25);
  });

  it('does nothing where V8 names no young generation', () => {
    let calls = 0;
    const spaces = () => {
      calls++;
      return [{ space_name: 'old_space', space_used_size: 1, space_available_size: 1 }];
    };
    expect(collectYoungGenerationNow(spaces)).toBe(false);
    expect(calls).toBe(1);
  });
});
