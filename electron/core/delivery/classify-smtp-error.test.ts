import { describe, expect, it } from 'vitest';
import { classifySmtpError } from './classify-smtp-error.js';

const err = (props: Record<string, unknown>, message = 'failed'): Error => Object.assign(new Error(message), props);

describe('classifySmtpError', () => {
  it.each([
    ['ESOCKET', 'ECONNREFUSED'],
    ['ESOCKET', 'ECONNRESET'],
    ['ETIMEDOUT', undefined],
    ['EDNS', 'ENOTFOUND'],
    ['ECONNECTION', undefined],
    ['ETLS', undefined],
    [undefined, 'ECONNREFUSED'],
  ])('connection failure %s/%s → temporary SMTP_CONNECTION', (code, originalCode) => {
    const r = classifySmtpError(err({ code, originalCode }, 'connect ECONNREFUSED 127.0.0.1:1'));
    expect(r).toMatchObject({ ok: false, permanent: false, errorCode: 'SMTP_CONNECTION' });
  });

  it('treats a bare Node errno code as a connection failure', () => {
    expect(classifySmtpError(err({ code: 'ECONNRESET' }))).toMatchObject({
      permanent: false,
      errorCode: 'SMTP_CONNECTION',
    });
  });

  it('treats a greeting timeout as a connection failure', () => {
    const r = classifySmtpError(
      err({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', command: 'CONN' }, 'Greeting never received'),
    );
    expect(r).toMatchObject({ permanent: false, errorCode: 'SMTP_CONNECTION' });
    expect(r.response).toContain('Greeting never received');
  });

  it.each([421, 450, 451, 452, 454, 499])('%i → temporary SMTP_TEMPORARY', (responseCode) => {
    const r = classifySmtpError(err({ code: 'EENVELOPE', responseCode, response: `${responseCode} try later` }));
    expect(r).toEqual({
      ok: false,
      permanent: false,
      errorCode: 'SMTP_TEMPORARY',
      response: `${responseCode} try later`,
    });
  });

  it.each([500, 550, 552, 554, 599])('%i → permanent SMTP_REJECTED', (responseCode) => {
    const r = classifySmtpError(err({ code: 'EMESSAGE', responseCode, response: `${responseCode} no` }));
    expect(r).toEqual({ ok: false, permanent: true, errorCode: 'SMTP_REJECTED', response: `${responseCode} no` });
  });

  it('503 (bad sequence) is temporary', () => {
    expect(classifySmtpError(err({ code: 'EPROTOCOL', responseCode: 503 }))).toMatchObject({
      permanent: false,
      errorCode: 'SMTP_TEMPORARY',
    });
  });

  it('auth failures: 5xx or no reply code → permanent SMTP_AUTH, 4xx → temporary', () => {
    expect(classifySmtpError(err({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 bad' }))).toEqual({
      ok: false,
      permanent: true,
      errorCode: 'SMTP_AUTH',
      response: '535 5.7.8 bad',
    });
    expect(classifySmtpError(err({ code: 'EAUTH' }))).toMatchObject({ permanent: true, errorCode: 'SMTP_AUTH' });
    expect(classifySmtpError(err({ code: 'ENOAUTH' }))).toMatchObject({ permanent: true, errorCode: 'SMTP_AUTH' });
    expect(classifySmtpError(err({ code: 'EAUTH', responseCode: 454 }))).toMatchObject({
      permanent: false,
      errorCode: 'SMTP_TEMPORARY',
    });
  });

  it('configuration and envelope errors without a reply are permanent', () => {
    expect(classifySmtpError(err({ code: 'EENVELOPE' }, 'No recipients defined'))).toMatchObject({
      permanent: true,
      errorCode: 'SMTP_CONFIG',
    });
    expect(classifySmtpError(err({ code: 'ECONFIG' }))).toMatchObject({ permanent: true, errorCode: 'SMTP_CONFIG' });
  });

  it('anything unknown is retried', () => {
    expect(classifySmtpError(new Error('weird'))).toMatchObject({
      ok: false,
      permanent: false,
      errorCode: 'SMTP_ERROR',
      response: 'weird',
    });
    expect(classifySmtpError('a string')).toMatchObject({
      permanent: false,
      errorCode: 'SMTP_ERROR',
      response: 'a string',
    });
    expect(classifySmtpError(null)).toMatchObject({ permanent: false, errorCode: 'SMTP_ERROR' });
  });

  it('keeps the code in the response and truncates it to 500 characters', () => {
    expect(classifySmtpError(err({ code: 'ETIMEDOUT' }, 'Connection timeout')).response).toBe(
      'ETIMEDOUT: Connection timeout',
    );
    expect(classifySmtpError(err({ responseCode: 550, response: `550 ${'x'.repeat(2000)}` })).response).toHaveLength(
      500,
    );
  });
});
