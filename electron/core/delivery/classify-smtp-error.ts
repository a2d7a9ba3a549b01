import type { SendResult } from './delivery-types.js';

export type SmtpFailure = Extract<SendResult, { ok: false }>;

/**
 * The `errorCode`s an e-mail send can fail with:
 * - `SMTP_CONNECTION` (temporary): the server could not be reached or the connection broke
 *   (refused, reset, DNS, socket errors, connection/greeting/socket timeouts, TLS handshake).
 * - `SMTP_TEMPORARY` (temporary): the server answered 4xx (or 503, see below).
 * - `SMTP_REJECTED` (permanent): the server answered 5xx; sending the same mail again gets the
 *   same answer.
 * - `SMTP_AUTH` (permanent): the credentials were refused (EAUTH with a 5xx reply or no reply
 *   code) or the server wants credentials we do not have. EAUTH with a 4xx reply is temporary.
 * - `SMTP_CONFIG` (permanent): nodemailer refused the settings or the envelope before talking
 *   to the server (e.g. a malformed address).
 * - `SMTP_ERROR` (temporary): anything else. Unknown failures are retried rather than given up:
 *   a silent non-delivery is worse than a few extra attempts.
 */
export const SMTP_ERROR_CODES = [
  'SMTP_CONNECTION',
  'SMTP_TEMPORARY',
  'SMTP_REJECTED',
  'SMTP_AUTH',
  'SMTP_CONFIG',
  'SMTP_ERROR',
] as const;
export type SmtpErrorCode = (typeof SMTP_ERROR_CODES)[number];

/** Node and nodemailer codes that mean "the connection did not work out". */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const MAX_RESPONSE_CHARS = 500;

interface SmtpErrorLike {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/**
 * Maps a nodemailer failure to a SendResult. Pure: reads only `code`, `originalCode`,
 * `responseCode`, `response` and `message`.
 *
 * 503 ("bad sequence of commands") is treated as temporary although it is a 5xx reply: it says
 * the session was in the wrong state, not that the message was refused, and the same message
 * goes through on a new connection (nodemailer's `isPermanentResponseCode` agrees).
 */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e: SmtpErrorLike = typeof err === 'object' && err !== null ? (err as SmtpErrorLike) : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  const originalCode = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  const replyCode = typeof e.responseCode === 'number' && Number.isInteger(e.responseCode) ? e.responseCode : undefined;
  const response = describe(e, err, code ?? originalCode);

  const fail = (permanent: boolean, errorCode: SmtpErrorCode): SmtpFailure => ({
    ok: false,
    permanent,
    errorCode,
    response,
  });

  const transient = replyCode !== undefined && ((replyCode >= 400 && replyCode < 500) || replyCode === 503);
  const rejected = replyCode !== undefined && replyCode >= 500 && replyCode < 600 && replyCode !== 503;

  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return transient ? fail(false, 'SMTP_TEMPORARY') : fail(true, 'SMTP_AUTH');
  }
  if (transient) return fail(false, 'SMTP_TEMPORARY');
  if (rejected) return fail(true, 'SMTP_REJECTED');
  if ((code && CONNECTION_CODES.has(code)) || (originalCode && CONNECTION_CODES.has(originalCode))) {
    return fail(false, 'SMTP_CONNECTION');
  }
  if (code === 'ECONFIG' || code === 'EENVELOPE' || code === 'EMAXRECIPIENTS') return fail(true, 'SMTP_CONFIG');
  return fail(false, 'SMTP_ERROR');
}

function describe(e: SmtpErrorLike, err: unknown, code: string | undefined): string {
  // The server's own reply when there is one, verbatim; otherwise our message with its code.
  let text: string;
  if (typeof e.response === 'string' && e.response) text = e.response;
  else {
    text = typeof e.message === 'string' && e.message ? e.message : String(err);
    if (code && !text.includes(code)) text = `${code}: ${text}`;
  }
  return text.length > MAX_RESPONSE_CHARS ? text.slice(0, MAX_RESPONSE_CHARS) : text;
}
