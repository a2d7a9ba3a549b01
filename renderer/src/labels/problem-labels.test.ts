import { describe, expect, it } from 'vitest';
import { STATUS_PROBLEM_CODES, type StatusProblem } from '../../../shared/status-problems.js';
import type { Translate } from '../i18n/useT';
import { problemText } from './problem-labels';

const t = ((key: string, options?: Record<string, unknown>) =>
  `${key}${options ? JSON.stringify(options) : ''}`) as unknown as Translate;
const problem = (code: string, params: StatusProblem['params'] = {}): StatusProblem =>
  ({ code, params, message: `english ${code}` }) as StatusProblem;

describe('problemText', () => {
  it('words each problem the core reports by its code and parameters', () => {
    expect(problemText(t, problem('OWNER_EMAIL_MISSING', { plan: 'Family', planId: 'pln_1' }))).toBe(
      'dashboard:problem.noOwnerEmail{"plan":"Family"}',
    );
    expect(problemText(t, problem('PLAN_SMTP_MISSING', { plan: 'Family', planId: 'pln_1' }))).toBe(
      'dashboard:problem.planNeedsSmtp{"plan":"Family"}',
    );
    expect(problemText(t, problem('RECIPIENTS_SMTP_MISSING'))).toBe('dashboard:problem.recipientsNeedSmtp');
    expect(problemText(t, problem('SCHEDULER_STALE'))).toBe('dashboard:problem.schedulerStale');
    expect(problemText(t, problem('PLAN_WEBHOOK_MISSING', { plan: 'Family', planId: 'pln_1', webhook: 'ghost' }))).toBe(
      'dashboard:problem.planWebhookMissing{"plan":"Family","webhook":"ghost"}',
    );
    expect(problemText(t, problem('PLAN_WEBHOOK_MISSING', { plan: 'Family', planId: 'pln_1', webhook: '' }))).toBe(
      'dashboard:problem.planNoWebhooks{"plan":"Family"}',
    );
  });
  it('says what of the first run is missing', () => {
    expect(problemText(t, problem('SETUP_UNFINISHED', { recoveryKeyConfirmed: 0, ownerEmailSet: 0 }))).toBe(
      'dashboard:problem.setupNeither',
    );
    expect(problemText(t, problem('SETUP_UNFINISHED', { recoveryKeyConfirmed: 1, ownerEmailSet: 0 }))).toBe(
      'dashboard:problem.setupNoEmail',
    );
    expect(problemText(t, problem('SETUP_UNFINISHED', { recoveryKeyConfirmed: 0, ownerEmailSet: 1 }))).toBe(
      'dashboard:problem.setupNoKey',
    );
  });
  it('has a translation for every code', () => {
    for (const code of STATUS_PROBLEM_CODES) expect(problemText(t, problem(code))).toMatch(/^dashboard:problem\./);
  });
  it("shows a code it does not know in the core's English", () => {
    expect(problemText(t, problem('SOMETHING_NEW'))).toBe('english SOMETHING_NEW');
  });
});
