import { describe, expect, it } from 'vitest';
import { redactResponse } from './redact-response.js';

describe('redactResponse', () => {
  it('removes the addresses and URLs a server echoes, and keeps the rest of the answer', () => {
    expect(redactResponse('550 5.1.1 <owner@example.org>: Recipient address rejected: User unknown')).toBe(
      '550 5.1.1 <[address]>: Recipient address rejected: User unknown',
    );
    expect(redactResponse('452 4.2.2 mailbox full (ana.lima+x@mail.example.co.uk)')).toBe('452 4.2.2 mailbox full ([address])');
    expect(redactResponse('HTTP 404 no route https://ntfy.example.org/secret-topic?x=1')).toBe('HTTP 404 no route [url]');
    expect(redactResponse('250 2.0.0 Ok: queued as 4F2A1')).toBe('250 2.0.0 Ok: queued as 4F2A1');
  });
});
