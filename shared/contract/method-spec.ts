import * as z from 'zod';
import { once } from '../once.js';
import { idSchema } from './dto.js';
import type { Role } from './roles.js';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  roles: readonly Role[];
  input: I;
  output: O;
}

/** A schema, or a function that builds it (a zod schema is never a function). */
type SchemaOrBuild<S extends z.ZodType> = S | (() => S);

/**
 * A method of the contract. A schema given as a function is built the first time the method's
 * `input` or `output` is read: a short command (a cron `tick`) calls one or two methods and should
 * not pay for building the other seventy when it starts.
 */
export const method = <I extends z.ZodType, O extends z.ZodType>(
  roles: readonly Role[],
  input: SchemaOrBuild<I>,
  output: SchemaOrBuild<O>,
): MethodSpec<I, O> => {
  const builtInput = once(() => (typeof input === 'function' ? input() : input));
  const builtOutput = once(() => (typeof output === 'function' ? output() : output));
  return {
    roles,
    get input() {
      return builtInput();
    },
    get output() {
      return builtOutput();
    },
  };
};

export { once };

export const none = z.object({}).strict();
export const done = z.object({ ok: z.literal(true) });
/** The input of a method about one thing: its id. */
export const byId = once(() => z.object({ id: idSchema() }).strict());
