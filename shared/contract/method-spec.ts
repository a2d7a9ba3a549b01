import * as z from 'zod';
import type { Role } from './roles.js';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  roles: readonly Role[];
  input: I;
  output: O;
}

export const method = <I extends z.ZodType, O extends z.ZodType>(
  roles: readonly Role[],
  input: I,
  output: O,
): MethodSpec<I, O> => ({
  roles,
  input,
  output,
});

export const none = z.object({}).strict();
export const done = z.object({ ok: z.literal(true) });
