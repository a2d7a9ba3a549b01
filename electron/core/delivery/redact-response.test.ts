import { describe, expect, it } from 'vitest';
import { redactResponse } from './redact-response.js';

describe('redactResponse', () => {
  it('removes the addresses and URLs a server echoes, and keeps the rest of the answer', () => {
    expect(redactResponse('550 5.1.1 <owner@example.org>: Recipient address rejected: User unknown')).toBe(
      '550 5.1.1 <[address]>: Recipient address rejected: User unknown',
    );
    expect(redactResponse('452 4.2.2 mailbox full (ana.lima+x@mail.example.co.uk)')).toBe(
      '452 4.2.2 mailbox full ([address])',
    );
    expect(redactResponse('HTTP 404 no route https://ntfy.example.org/secret-topic?x=1')).toBe(
      'HTTP 404 no route [url]',
    );
    expect(redactResponse('250 2.0.0 Ok: queued as 4F2A1')).toBe('250 2.0.0 Ok: queued as 4F2A1');
  });
});

describe('redactResponse without a scheme', () => {
  it('removes a bare host/path URL as network errors print it', () => {
    expect(redactResponse('connect ECONNREFUSED ntfy.example.org/family-alerts')).toBe('connect ECONNREFUSED [url]');
    expect(redactResponse('no route to hooks.example.co.uk:8443/x/y?token=1 (timeout)')).toBe(
      'no route to [url] (timeout)',
    );
    expect(redactResponse('550 5.7.1 see docs, queued as 4F2A1')).toBe('550 5.7.1 see docs, queued as 4F2A1');
  });

  it('removes the configured hosts even on their own, with or without a port', () => {
    const hosts = ['ntfy.example.org', '192.168.1.20'];
    expect(redactResponse('getaddrinfo ENOTFOUND ntfy.example.org', hosts)).toBe('getaddrinfo ENOTFOUND [host]');
    expect(redactResponse('connect ECONNREFUSED 192.168.1.20:8080.', hosts)).toBe('connect ECONNREFUSED [host].');
    expect(redactResponse('certificate is for NTFY.example.org, not other.example.org', hosts)).toBe(
      'certificate is for [host], not other.example.org',
    );
  });
});
