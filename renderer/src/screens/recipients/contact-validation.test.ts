import { describe, expect, it } from 'vitest';
import { contactProblem, nameProblem } from './contact-validation';

describe('contactProblem', () => {
  it('accepts addresses and URLs the shared schemas accept', () => {
    expect(contactProblem('email', 'info&sales@example.org')).toBeNull();
    expect(contactProblem('webhook', 'https://hooks.example.org/x')).toBeNull();
  });
  it('names what is wrong', () => {
    expect(contactProblem('email', '')).toBe('empty');
    expect(contactProblem('email', 'anna@')).toBe('email');
    expect(contactProblem('webhook', 'ftp://example.org')).toBe('url');
    expect(contactProblem('webhook', 'http://169.254.169.254/', true)).toBe('forbiddenAddress');
    expect(contactProblem('webhook', 'http://0x7f.1/', true)).toBe('ipForm');
    expect(contactProblem('webhook', 'https://u:p@example.org/')).toBe('credentials');
  });
  it('allows a private address only for a webhook on the own network', () => {
    expect(contactProblem('webhook', 'http://192.168.1.20/hook')).toBe('privateAddress');
    expect(contactProblem('webhook', 'http://192.168.1.20/hook', true)).toBeNull();
  });
});

describe('nameProblem', () => {
  it('wants a name of reasonable length', () => {
    expect(nameProblem('Anna')).toBeNull();
    expect(nameProblem('  ')).toBe('empty');
    expect(nameProblem('x'.repeat(201))).toBe('long');
  });
});
