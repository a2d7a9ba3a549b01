import { describe, expect, it } from 'vitest';
import { awaitingAnswer, unanswered } from './prompts';

const PLAN = 'pln_0123456789abcdef';

describe('unanswered prompts', () => {
  const prompts = [
    { planId: null, level: 0, at: 100 },
    { planId: PLAN, level: 2, at: 300 },
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
  it('puts the highest real warning first, over tests and failure notices', () => {
    const got = awaitingAnswer([
      { planId: PLAN, level: 0, at: 500 },
      { planId: null, level: 0, at: 400 },
      { planId: PLAN, level: 1, at: 100 },
      { planId: PLAN, level: 2, at: 300 },
    ]);
    expect(got).toEqual({ prompt: { planId: PLAN, level: 2, at: 300 }, isTest: false });
  });
  it('shows a test warning when nothing else waits', () => {
    expect(awaitingAnswer([{ planId: null, level: 0, at: 1 }])).toEqual({ prompt: { planId: null, level: 0, at: 1 }, isTest: true });
  });
  it('does not treat a failure notice as a question', () => {
    expect(awaitingAnswer([{ planId: PLAN, level: 0, at: 1 }])).toBeNull();
  });
});
