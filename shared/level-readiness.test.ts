import { describe, expect, it } from 'vitest';
import { levelReadiness } from './level-readiness.js';

const ready = { webhookNames: ['phone'], smtpConfigured: true, ownerEmailSet: true };

describe('levelReadiness', () => {
  it('has nothing to say when every channel is set up', () => {
    expect(levelReadiness(['email', 'webhook'], ready)).toEqual({ gaps: [], reaches: ['email', 'webhook:phone'] });
  });

  it('webhooks with none configured: the level goes by the rest, or falls back to the desktop', () => {
    const none = { ...ready, webhookNames: [] };
    expect(levelReadiness(['email', 'webhook'], none)).toEqual({
      gaps: [{ channel: 'webhook', reason: 'noWebhooks' }],
      reaches: ['email'],
    });
    expect(levelReadiness(['webhook'], none)).toEqual({
      gaps: [{ channel: 'webhook', reason: 'noWebhooks' }],
      reaches: ['desktop'],
    });
    expect(levelReadiness(['webhook:pager'], ready)).toEqual({
      gaps: [{ channel: 'webhook:pager', reason: 'webhookMissing' }],
      reaches: ['desktop'],
    });
  });

  it('e-mail without a mail server or an owner address falls back to the desktop', () => {
    expect(levelReadiness(['email'], { ...ready, smtpConfigured: false })).toEqual({
      gaps: [{ channel: 'email', reason: 'noMailServer' }],
      reaches: ['desktop'],
    });
    expect(levelReadiness(['desktop', 'email'], { ...ready, ownerEmailSet: false })).toEqual({
      gaps: [{ channel: 'email', reason: 'noOwnerEmail' }],
      reaches: ['desktop'],
    });
    expect(
      levelReadiness(['email', 'webhook'], { webhookNames: [], smtpConfigured: false, ownerEmailSet: false }),
    ).toEqual({
      gaps: [
        { channel: 'webhook', reason: 'noWebhooks' },
        { channel: 'email', reason: 'noMailServer' },
      ],
      reaches: ['desktop'],
    });
  });
});
