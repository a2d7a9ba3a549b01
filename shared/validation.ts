import * as z from 'zod';
import { once } from './once.js';
import { parseIpv4, parseIpv6 } from './network-address.js';
import { checkWebhookUrl } from './webhook-url.js';

/** Input rules shared by every front door (CLI, RPC, UI forms). Messages say what to do. */
export const LIMITS = {
  titleMax: 200,
  bodyMaxBytes: 1024 * 1024,
  /** The formatted body (sanitized HTML) carries markup besides the text: twice the text's limit. */
  bodyHtmlMaxBytes: 2 * 1024 * 1024,
  nameMax: 200,
  passwordMin: 8,
  passwordMax: 1024,
  attachmentMaxBytes: 2 * 1024 * 1024 * 1024,
} as const;

/** UTF-8 byte length without TextEncoder (shared/ sees only the ECMAScript library). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export const titleSchema = once(() =>
  z
    .string()
    .trim()
    .min(1, 'the title is empty: give the message a title')
    .max(LIMITS.titleMax, `the title is longer than ${LIMITS.titleMax} characters: shorten it`),
);

export const bodySchema = once(() =>
  z.string().refine((s) => utf8Length(s) <= LIMITS.bodyMaxBytes, {
    message: 'the body is larger than 1 MiB: attach long content as a file instead',
  }),
);

export const bodyHtmlSchema = once(() =>
  z.string().refine((s) => utf8Length(s) <= LIMITS.bodyHtmlMaxBytes, {
    message: 'the formatted body is larger than 2 MiB: attach long content as a file instead',
  }),
);

export const recipientNameSchema = once(() =>
  z
    .string()
    .trim()
    .min(1, 'the name is empty: say who this recipient is')
    .max(LIMITS.nameMax, `the name is longer than ${LIMITS.nameMax} characters: shorten it`),
);

/**
 * An RFC 5322 dot-atom local part (letters, digits, ! # $ % & ' * + / = ? ^ _ ` { | } ~ -, with dots
 * only between them) @ a host name of two or more labels. zod's default pattern refuses valid
 * addresses such as `info&sales@example.org` or `a/b@example.org`.
 */
const EMAIL_PATTERN =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

export const emailSchema = once(() =>
  z
    .string()
    .trim()
    .pipe(
      z.email({
        pattern: EMAIL_PATTERN,
        message: 'not a valid e-mail address (expected something like name@example.org)',
      }),
    ),
);

/**
 * A webhook URL as written: http(s), no credentials, no link-local or metadata address, IPv4 in
 * plain dotted decimal (shared/webhook-url.ts). Loopback and private addresses pass here; whether
 * they are allowed depends on the webhook's own flag, checked where it is saved.
 */
export const webhookUrlSchema = once(() =>
  z
    .string()
    .trim()
    .transform((url, ctx) => {
      const checked = checkWebhookUrl(url, { allowPrivateNetwork: true });
      if (checked.ok) return checked.url;
      ctx.addIssue({ code: 'custom', message: checked.message });
      return z.NEVER;
    }),
);

/**
 * An SMTP server: a host name (letters, digits and hyphens in dot-separated labels; international
 * names in their xn-- form) or an IP address (IPv6 with or without brackets, stored without).
 * Nothing else: no scheme, port, user, path, space or line break. Loopback and private addresses
 * are fine (local relays are normal).
 */
const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}\\.?$)${HOST_LABEL}(?:\\.${HOST_LABEL})*\\.?$`);
export const SMTP_HOST_MESSAGE =
  'the SMTP host must be a host name (like smtp.example.org) or an IP address, without scheme, port, user, path or spaces';

export const smtpHostSchema = once(() =>
  z
    .string()
    .trim()
    .transform((host, ctx) => {
      const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
      if (parseIpv6(bare)) return bare.toLowerCase();
      // A name made of digits and dots only must be a real dotted-quad address (no 127.1 or 2130706433).
      if (bare === host && HOST_NAME.test(host) && (!/^[\d.]+$/.test(host) || parseIpv4(host.replace(/\.$/, ''))))
        return host;
      ctx.addIssue({ code: 'custom', message: SMTP_HOST_MESSAGE });
      return z.NEVER;
    }),
);

export const passwordSchema = once(() =>
  z
    .string()
    .min(LIMITS.passwordMin, `the password is shorter than ${LIMITS.passwordMin} characters: choose a longer one`)
    .max(LIMITS.passwordMax, 'the password is too long'),
);

export const recipientTypeSchema = once(() => z.enum(['email', 'webhook']));

export const newRecipientSchema = once(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('email'), name: recipientNameSchema(), contact: emailSchema() }),
    z.object({ type: z.literal('webhook'), name: recipientNameSchema(), contact: webhookUrlSchema() }),
  ]),
);
export type NewRecipient = z.infer<ReturnType<typeof newRecipientSchema>>;

export const messageStatusSchema = once(() => z.enum(['draft', 'active', 'paused', 'sent']));

/** First issue of a zod error, as one line a person can act on. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
