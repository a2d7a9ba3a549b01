// Every method of the contract, called over HTTP as the owner with generated bad input (wrong
// types, extra keys, nulls, huge strings): the reply is BAD_REQUEST (or NOT_FOUND for ids that do
// not exist), never INTERNAL or a 500; nothing is written; no promise is left rejected.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CONTRACT, METHOD_NAMES, type MethodName } from '../../../shared/contract/methods.js';
import { DEFAULT_MAX_BODY_BYTES } from './server.js';
import type { HttpClient } from './test-support/http-client.js';
import { LEAP_DAY_TICKS, startWithVault, type RunnerFixture } from './test-support/runner-fixture.js';

const roundTrip = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const keysOf = (method: MethodName): string[] =>
  Object.keys((CONTRACT[method].input as unknown as z.ZodObject).shape ?? {});
const isValid = (method: MethodName, input: unknown): boolean => CONTRACT[method].input.safeParse(input ?? {}).success;

const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 5000, maxLength: 20_000 }),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxKeys: 3 }),
  fc.constantFrom(
    -1,
    2 ** 53,
    -(2 ** 31),
    1.5,
    '',
    ' ',
    '\u0000',
    'aaa_0000000000000000',
    '../../etc/passwd',
    '<script>',
  ),
);

/** Bad input for one method: not an object at all, its own keys with wrong values, or extra keys. */
function badInput(method: MethodName): fc.Arbitrary<unknown> {
  const keys = keysOf(method);
  const ownKeysWrong =
    keys.length > 0 ? fc.record(Object.fromEntries(keys.map((k) => [k, junk])), { requiredKeys: [] }) : fc.constant({});
  return fc
    .oneof(
      fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(junk, { maxLength: 3 })),
      ownKeysWrong,
      fc
        .tuple(ownKeysWrong, fc.string({ minLength: 1, maxLength: 10 }), junk)
        .map(([o, k, v]) => ({ ...o, [`x-${k}`]: v })),
    )
    .map(roundTrip)
    .filter((input) => input !== null && !isValid(method, input));
}

const idArb = fc.stringMatching(/^[a-z]{3,4}_[0-9a-hjkmnp-tv-z]{16}$/);

/** Well-formed calls naming ids that do not exist. */
const UNKNOWN_IDS: Partial<Record<MethodName, fc.Arbitrary<unknown>>> = {
  'messages.get': idArb.map((id) => ({ id })),
  'messages.delete': idArb.map((id) => ({ id })),
  'messages.testSend': idArb.map((id) => ({ id })),
  'messages.update': idArb.map((id) => ({ id, title: 'renamed' })),
  'recipients.update': idArb.map((id) => ({ id, name: 'renamed' })),
  'recipients.delete': idArb.map((id) => ({ id })),
  'plans.get': idArb.map((id) => ({ id })),
  'plans.delete': idArb.map((id) => ({ id })),
  'plans.simulate': idArb.map((id) => ({ id })),
  'plans.deliveries': idArb.map((id) => ({ id })),
  'tokens.delete': idArb.map((id) => ({ id })),
  'attachments.download': fc
    .tuple(idArb, idArb)
    .map(([messageId, attachmentId]) => ({ messageId, attachmentId, index: 0 })),
};

describe('fuzz: bad input through HTTP', () => {
  let f: RunnerFixture;
  let owner: HttpClient;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    ({ f, owner } = await startWithVault({ runner: { schedulerCron: LEAP_DAY_TICKS } }));
    const kin = await owner.data<{ id: string }>('recipients.create', {
      name: 'Kin',
      type: 'email',
      contact: 'kin@example.org',
    });
    await owner.data('messages.create', { title: 'Letter', body: 'Dear Kin', recipientIds: [kin.id] });
    await owner.data('tokens.create', { role: 'monitor', label: 'grafana' });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await f.close();
  });

  it('wrong types, extra keys and nulls: BAD_REQUEST (400) for every method, nothing written', async () => {
    const before = f.rowCounts();
    for (const method of METHOD_NAMES) {
      await fc.assert(
        fc.asyncProperty(badInput(method), async (input) => {
          const { status, reply } = await owner.rpc(method, input);
          expect({ method, status, code: reply.ok ? 'OK' : reply.code }).toEqual({
            method,
            status: 400,
            code: 'BAD_REQUEST',
          });
        }),
        { numRuns: 25 },
      );
    }
    expect(f.rowCounts()).toEqual(before);
    expect(rejections).toEqual([]);
  });

  it('huge strings in every field: BAD_REQUEST, or 413 past the body limit', async () => {
    const before = f.rowCounts();
    const huge = 'h'.repeat(2 * 1024 * 1024 + 1);
    for (const method of METHOD_NAMES) {
      const keys = keysOf(method);
      const input = keys.length > 0 ? Object.fromEntries(keys.map((k) => [k, huge])) : { huge };
      const { status, reply } = await owner.rpc(method, input);
      const expected = JSON.stringify(input).length > DEFAULT_MAX_BODY_BYTES ? 413 : 400;
      expect({ method, status, code: reply.ok ? 'OK' : reply.code }).toEqual({
        method,
        status: expected,
        code: 'BAD_REQUEST',
      });
    }
    const { status, reply } = await owner.rpc('messages.create', {
      title: 'x',
      body: huge,
      recipientIds: [huge, huge, huge],
    });
    expect(status).toBe(413);
    expect(reply).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(f.rowCounts()).toEqual(before);
  });

  it('well-formed calls on ids that do not exist: NOT_FOUND (404), nothing written', async () => {
    const before = f.rowCounts();
    for (const [method, arb] of Object.entries(UNKNOWN_IDS) as [MethodName, fc.Arbitrary<unknown>][]) {
      await fc.assert(
        fc.asyncProperty(arb, async (input) => {
          const { status, reply } = await owner.rpc(method, input);
          expect({ method, status, code: reply.ok ? 'OK' : reply.code }).toEqual({
            method,
            status: 404,
            code: 'NOT_FOUND',
          });
        }),
        { numRuns: 10 },
      );
    }
    expect(f.rowCounts()).toEqual(before);
    expect(rejections).toEqual([]);
    // The owner's session survived all of it.
    expect((await owner.rpc('messages.list', {})).status).toBe(200);
  });
});
