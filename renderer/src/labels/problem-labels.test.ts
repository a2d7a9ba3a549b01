import { describe, expect, it } from 'vitest';
import type { Translate } from '../i18n/useT';
import { problemText } from './problem-labels';

const t = ((key: string, options?: Record<string, unknown>) => `${key}${options ? JSON.stringify(options) : ''}`) as unknown as Translate;

describe('problemText', () => {
  it('recognises the problems the core reports (wording of electron/core/schedule/status.ts)', () => {
    expect(problemText(t, 'plan "Family" warns by e-mail but no owner e-mail is set: run `afterword owner set --email ADDR`')).toBe('dashboard:problem.noOwnerEmail{"plan":"Family"}');
    expect(problemText(t, 'plan "Family" warns by e-mail but no SMTP account is set: run `afterword channel smtp …`')).toBe('dashboard:problem.planNeedsSmtp{"plan":"Family"}');
    expect(problemText(t, 'messages go to e-mail recipients but no SMTP account is set: run `afterword channel smtp …`')).toBe('dashboard:problem.recipientsNeedSmtp');
    expect(problemText(t, 'the scheduler has not run for two days: keep `npm start` or `afterword run` going, or call `afterword tick` from cron')).toBe('dashboard:problem.schedulerStale');
  });
  it('shows an unknown problem as it is', () => {
    expect(problemText(t, 'something new')).toBe('something new');
  });
});
