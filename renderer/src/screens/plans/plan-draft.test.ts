import { describe, expect, it } from 'vitest';
import { canSimulate, channelOptions, draftProblems, newDraft, sameTiming } from './plan-draft';

describe('plan drafts', () => {
  it('starts with five levels that can be simulated but not saved without a name', () => {
    const draft = newDraft(true);
    expect(draft.levels).toHaveLength(5);
    expect(canSimulate(draft)).toBe(true);
    expect([...draftProblems(draft)]).toEqual(['name']);
  });
  it('refuses waits under a minute and levels without a channel', () => {
    const draft = newDraft(false);
    draft.name = 'Family';
    draft.levels[2] = { waitMs: 1000, channels: [] };
    expect([...draftProblems(draft)].sort()).toEqual(['channels', 'wait']);
    expect(canSimulate(draft)).toBe(false);
  });
  it('compares timing only', () => {
    const a = newDraft(false);
    expect(sameTiming(a, { ...newDraft(false), name: 'other' })).toBe(true);
    expect(sameTiming(a, { ...a, intervalMs: a.intervalMs + 1 })).toBe(false);
  });
  it('offers every named webhook', () => {
    expect(channelOptions(['phone'])).toEqual(['desktop', 'email', 'webhook', 'webhook:phone']);
  });
});
