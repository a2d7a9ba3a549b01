/**
 * Messages between the main thread and the mail thread (mail-thread-entry.ts). The thread holds
 * any number of nodemailer transports, each opened with its options and named by a number. A mail
 * crosses as plain data; each attachment's content stays on the main thread and is pulled chunk
 * by chunk through a numbered pipe, so a large attachment is never copied whole and a failing
 * attachment stream fails the send as it does in process.
 */
import type { SMTPTransportOptions, SendMailOptions } from 'nodemailer';

/** An attachment as it crosses: its content is pipe `pipe`. */
export interface PipedAttachment {
  filename: string;
  contentType: string;
  pipe: number;
}

export type ThreadMail = Omit<SendMailOptions, 'attachments'> & { attachments?: PipedAttachment[] };

/** The fields of a nodemailer error that classifySmtpError reads, plus its name and message. */
export interface SmtpErrorFields {
  name: string;
  message: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

export const ERROR_FIELDS = ['code', 'originalCode', 'responseCode', 'response', 'command'] as const;

export type ToThread =
  | { type: 'open'; transport: number; options: SMTPTransportOptions }
  | { type: 'send'; transport: number; id: number; mail: ThreadMail }
  | { type: 'close'; transport: number; id: number }
  | { type: 'chunk'; pipe: number; chunk: Uint8Array }
  | { type: 'end'; pipe: number }
  | { type: 'fail'; pipe: number; message: string }
  /** Close every transport and end the thread (nothing is waiting on it). */
  | { type: 'retire' };

export type FromThread =
  /** The thread is listening: from now on it may send what it is given. */
  | { type: 'ready' }
  | { type: 'sent'; id: number; response: string }
  | { type: 'failed'; id: number; error: SmtpErrorFields }
  | { type: 'closed'; id: number }
  | { type: 'pull'; pipe: number };
