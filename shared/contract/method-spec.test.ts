import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { CONTRACT, METHOD_NAMES } from './methods.js';
import { method, once } from './method-spec.js';

describe('method', () => {
  it('builds a schema given as a function when it is first read, once', () => {
    const built: string[] = [];
    const spec = method(
      ['owner'],
      () => (built.push('input'), z.object({ id: z.string() })),
      () => (built.push('output'), z.object({ ok: z.boolean() })),
    );
    expect(built).toEqual([]);
    expect(spec.roles).toEqual(['owner']);

    const input = spec.input;
    expect(built).toEqual(['input']);
    expect(spec.input).toBe(input);
    expect(input.parse({ id: 'a' })).toEqual({ id: 'a' });
    expect(spec.output.safeParse({ ok: 'yes' }).success).toBe(false);
    expect(built).toEqual(['input', 'output']);
  });

  it('takes a schema that is already built as it is', () => {
    const input = z.object({});
    expect(method(['public'], input, input).input).toBe(input);
  });
});

describe('once', () => {
  it('builds on the first call and returns the same value after', () => {
    let calls = 0;
    const shared = once(() => ({ n: ++calls }));
    expect(calls).toBe(0);
    expect(shared()).toBe(shared());
    expect(calls).toBe(1);
  });
});

describe('the contract', () => {
  it('gives every method a zod schema for its input and its output', () => {
    for (const name of METHOD_NAMES) {
      expect(CONTRACT[name].input, name).toBeInstanceOf(z.ZodType);
      expect(CONTRACT[name].output, name).toBeInstanceOf(z.ZodType);
    }
  });

  it('keeps the schemas that methods share shared (one instance)', () => {
    expect(CONTRACT['messages.get'].input).toBe(CONTRACT['plans.get'].input);
    expect(CONTRACT['drafts.get'].input).toBe(CONTRACT['drafts.discard'].input);
  });
});
