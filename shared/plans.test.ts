import { describe, expect, it } from 'vitest';
import { routeLevel } from './plans.js';

describe('routeLevel', () => {
  it('spreads `webhook` to every webhook set up and keeps the channels that lead somewhere', () => {
    expect(routeLevel(['email', 'webhook'], ['phone', 'server'])).toEqual({
      channels: ['email', 'webhook:phone', 'webhook:server'],
      unreachable: [],
      desktopFallback: false,
    });
    expect(routeLevel(['webhook:phone', 'webhook'], ['phone'])).toEqual({
      channels: ['webhook:phone'],
      unreachable: [],
      desktopFallback: false,
    });
  });

  it('names the webhook channels that lead nowhere, and warns on the desktop when nothing else is left', () => {
    expect(routeLevel(['email', 'webhook:ghost', 'webhook'], [])).toEqual({
      channels: ['email'],
      unreachable: ['webhook:ghost', 'webhook'],
      desktopFallback: false,
    });
    expect(routeLevel(['webhook:ghost'], ['phone'])).toEqual({
      channels: ['desktop'],
      unreachable: ['webhook:ghost'],
      desktopFallback: true,
    });
  });
});
