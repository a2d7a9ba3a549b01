import { describe, expect, it } from 'vitest';
import { awaitingAnswer, unanswered, type Prompt } from './prompts';

const PLAN = 'pln_0123456789abcdef';

describe('unanswered prompts', () => {
  const prompts: Prompt[] = [
    { planId: null, level: 0, at: 100, kind: 'test' },
    { planId: PLAN, level: 2, at: 300, kind: 'warning' },
  ];
  it('keeps every prompt while nobody has checked in', () => {
    expect(unanswered(prompts, null)).toEqual(prompts);
  });
  it('drops the prompts a later check-in answered', () => {
    expect(unanswered(prompts, 200)).toEqual([prompts[1]]);
    expect(unanswered(prompts, 300)).toEqual([]);
  });
});

describe('awaitingAnswer', () => {
  it('puts the highest warning first, over tests and notices', () => {
    const got = awaitingAnswer([
      { planId: PLAN, level: 0, at: 500, kind: 'notice' },
      { planId: null, level: 0, at: 400, kind: 'test' },
      { planId: PLAN, level: 1, at: 100, kind: 'warning' },
      { planId: PLAN, level: 2, at: 300, kind: 'warning' },
    ]);
    expect(got).toEqual({ prompt: { planId: PLAN, level: 2, at: 300, kind: 'warning' }, isTest: false });
  });
  it('shows a test when nothing else waits', () => {
    const test: Prompt = { planId: null, level: 0, at: 1, kind: 'test' };
    expect(awaitingAnswer([test])).toEqual({ prompt: test, isTest: true });
  });
  it('goes by the kind, not by the level or the plan', () => {
    expect(awaitingAnswer([{ planId: PLAN, level: 3, at: 1, kind: 'notice' }])).toBeNull();
    expect(awaitingAnswer([{ planId: null, level: 0, at: 1, kind: 'notice' }])).toBeNull();
    const warning: Prompt = { planId: null, level: 1, at: 1, kind: 'warning' };
    expect(awaitingAnswer([warning, { planId: null, level: 0, at: 2, kind: 'test' }])).toEqual({
      prompt: warning,
      isTest: false,
    });
  });
});
