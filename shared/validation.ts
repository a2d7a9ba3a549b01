import { z } from 'zod';

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

export const titleSchema = z
  .string()
  .trim()
  .min(1, 'the title is empty: give the message a title')
  .max(LIMITS.titleMax, `the title is longer than ${LIMITS.titleMax} characters: shorten it`);

export const bodySchema = z
  .string()
  .refine((s) => utf8Length(s) <= LIMITS.bodyMaxBytes, {
    message: 'the body is larger than 1 MiB: attach long content as a file instead',
  });

export const bodyHtmlSchema = z
  .string()
  .refine((s) => utf8Length(s) <= LIMITS.bodyHtmlMaxBytes, {
    message: 'the formatted body is larger than 2 MiB: attach long content as a file instead',
  });

export const recipientNameSchema = z
  .string()
  .trim()
  .min(1, 'the name is empty: say who this recipient is')
  .max(LIMITS.nameMax, `the name is longer than ${LIMITS.nameMax} characters: shorten it`);

/**
 * An RFC 5322 dot-atom local part (letters, digits, ! # $ % & ' * + / = ? ^ _ ` { | } ~ -, with dots
 * only between them) @ a host name of two or more labels. zod's default pattern refuses valid
 * addresses such as `info&sales@example.org` or `a/b@example.org`.
 */
const EMAIL_PATTERN =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

export const emailSchema = z
  .string()
  .trim()
  .pipe(z.email({ pattern: EMAIL_PATTERN, message: 'not a valid e-mail address (expected something like name@example.org)' }));

export const webhookUrlSchema = z
  .string()
  .trim()
  .pipe(
    z.url({
      protocol: /^https?$/,
      hostname: /^.+$/,
      message: 'not a valid webhook URL: it must start with https:// (or http:// for a local relay)',
    }),
  );

export const passwordSchema = z
  .string()
  .min(LIMITS.passwordMin, `the password is shorter than ${LIMITS.passwordMin} characters: choose a longer one`)
  .max(LIMITS.passwordMax, 'the password is too long');

export const recipientTypeSchema = z.enum(['email', 'webhook']);

export const newRecipientSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('email'), name: recipientNameSchema, contact: emailSchema }),
  z.object({ type: z.literal('webhook'), name: recipientNameSchema, contact: webhookUrlSchema }),
]);
export type NewRecipient = z.infer<typeof newRecipientSchema>;

export const messageStatusSchema = z.enum(['draft', 'active', 'paused', 'sent']);

/** First issue of a zod error, as one line a person can act on. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
