/**
 * What a delivered message says, composed once for the e-mail that goes out (the core's
 * renderer) and for the preview the author sees: the subject, the plain-text part and the footer.
 * The words are the delivery's own (English, as the e-mail is sent), not the UI's language.
 */
import { htmlToText } from './html-text.js';

export interface LetterInput {
  title: string;
  /** The stored plain text; used when there is no formatted body. */
  body: string;
  /** The sanitized formatted body, or null. */
  bodyHtml: string | null;
  /** The owner's name as recipients know it; null: not set. */
  senderName: string | null;
}

export interface Letter {
  subject: string;
  /** The message as plain text (list bullets kept, no runs of blank lines), without the footer. */
  bodyText: string;
  footer: string;
  /** The e-mail's whole text part: the body, the signature separator and the footer. */
  text: string;
}

export const LETTER_EN = {
  fallbackSubject: (senderName: string | null): string => `A message from ${senderName ?? 'Afterword'}`,
  footer: (senderName: string | null): string =>
    `This message was sent by Afterword on behalf of ${senderName ?? 'its author'}, after they stopped answering check-ins.`,
};

export type LetterStrings = typeof LETTER_EN;

/** Header values must stay on one line; control characters have no business in a subject. */
export function cleanSubject(subject: string): string {
  // eslint-disable-next-line no-control-regex
  return subject.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The plain text a message is delivered as: from its formatting when it has any, else as typed. */
export function letterBodyText(body: string, bodyHtml: string | null): string {
  return bodyHtml ? htmlToText(bodyHtml) : body;
}

export function composeLetter(input: LetterInput, strings: LetterStrings = LETTER_EN): Letter {
  const subject = cleanSubject(input.title) || strings.fallbackSubject(input.senderName);
  const bodyText = letterBodyText(input.body, input.bodyHtml).replace(/\s+$/, '');
  const footer = strings.footer(input.senderName);
  return { subject, bodyText, footer, text: `${bodyText}\n\n-- \n${footer}\n` };
}
