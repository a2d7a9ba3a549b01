/**
 * The mail thread: nodemailer transports that send what the main thread hands them. Composing
 * and encoding a mail (quoted-printable, base64, line folding) and the SMTP conversation are the
 * CPU-heavy part of a delivery; here they run beside the main thread, which keeps the outbox's
 * database work and, in the desktop app, the window's requests.
 */
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { withRawMessage } from '../raw-mail.js';
import { ERROR_FIELDS, type FromThread, type SmtpErrorFields, type ThreadMail, type ToThread } from './protocol.js';

const port = parentPort!;
const transports = new Map<number, Transporter>();
const pipes = new Map<number, Readable>();
const post = (message: FromThread): void => port.postMessage(message);

/** A readable that asks the main thread for the pipe's next chunk whenever it wants more. */
function pipeReadable(pipe: number): Readable {
  const readable = new Readable({
    read: () => post({ type: 'pull', pipe }),
    destroy: (error, callback) => {
      pipes.delete(pipe);
      callback(error);
    },
  });
  pipes.set(pipe, readable);
  return readable;
}

function errorFields(err: unknown): SmtpErrorFields {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const fields: SmtpErrorFields = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(err),
  };
  for (const key of ERROR_FIELDS) {
    const value = e[key];
    if (typeof value === 'string' || typeof value === 'number') Object.assign(fields, { [key]: value });
  }
  return fields;
}

async function send(transportId: number, id: number, mail: ThreadMail): Promise<void> {
  const options: SendMailOptions = {
    ...mail,
    ...(mail.attachments
      ? {
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: pipeReadable(a.pipe),
          })),
        }
      : {}),
  };
  try {
    const transport = transports.get(transportId);
    if (!transport) throw Object.assign(new Error('the mail transport is closed'), { code: 'ECLOSED' });
    const info = (await transport.sendMail(withRawMessage(options))) as { response?: unknown };
    post({ type: 'sent', id, response: typeof info.response === 'string' ? info.response : '' });
  } catch (err) {
    post({ type: 'failed', id, error: errorFields(err) });
  } finally {
    for (const a of mail.attachments ?? []) pipes.get(a.pipe)?.destroy();
  }
}

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'open':
      transports.set(message.transport, nodemailer.createTransport(message.options));
      break;
    case 'send':
      void send(message.transport, message.id, message.mail);
      break;
    case 'close':
      transports.get(message.transport)?.close();
      transports.delete(message.transport);
      post({ type: 'closed', id: message.id });
      break;
    case 'chunk':
      pipes.get(message.pipe)?.push(message.chunk);
      break;
    case 'end':
      pipes.get(message.pipe)?.push(null);
      break;
    case 'fail':
      pipes.get(message.pipe)?.destroy(new Error(message.message));
      break;
    case 'retire':
      for (const transport of transports.values()) transport.close();
      transports.clear();
      port.close();
      break;
  }
});

post({ type: 'ready' });
