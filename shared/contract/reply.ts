import * as z from 'zod';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

/** Every RPC answer, on every transport: data, or a stable code and a message. */
export type Reply<T> = { ok: true; data: T } | { ok: false; code: ErrorCode; message: string };

export const errorReplySchema = z.object({
  ok: z.literal(false),
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

export function replySchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), errorReplySchema]);
}

export const ok = <T>(data: T): Reply<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string): Reply<never> => ({ ok: false, code, message });
