import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from './aead.js';
import {
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_MIN_BYTES,
  openField,
  openText,
  sealField,
  sealText,
  type ContentKey,
  type FieldRef,
} from './envelope.js';
import { FieldTamperedError, UnsupportedEnvelopeError, WrongKeyError } from './crypto-errors.js';
import { AfterwordError, BadRequestError, IntegrityError } from '../errors.js';

const newKey = (): ContentKey => ({ id: randomBytes(8), key: randomBytes(32) });
const ref: FieldRef = { table: 'messages', column: 'body', rowId: 'msg_01' };

const part = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0'));
const refArb: fc.Arbitrary<FieldRef> = fc.record({ table: part, column: part, rowId: part });

describe('field envelope', () => {
  it('has the documented layout', () => {
    const key = newKey();
    const env = sealField(key, ref, new Uint8Array([1, 2, 3]));
    expect(env.length).toBe(ENVELOPE_HEADER_BYTES + 3 + 16);
    expect(env[0]).toBe(1);
    expect(env[1]).toBe(1);
    expect(env.subarray(2, 10)).toEqual(key.id);
    // fresh nonce each time
    const env2 = sealField(key, ref, new Uint8Array([1, 2, 3]));
    expect(env2.subarray(10, 34)).not.toEqual(env.subarray(10, 34));
  });

  it('round-trips arbitrary bytes at arbitrary refs', () => {
    const key = newKey();
    fc.assert(
      fc.property(refArb, fc.uint8Array({ maxLength: 512 }), (r, plaintext) => {
        expect(openField(key, r, sealField(key, r, plaintext))).toEqual(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips text, including non-ASCII', () => {
    const key = newKey();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(openText(key, ref, sealText(key, ref, text))).toBe(text);
      }),
      { numRuns: 100 },
    );
    expect(openText(key, ref, sealText(key, ref, ''))).toBe('');
  });

  it('detects any single-byte change anywhere in the envelope', () => {
    const key = newKey();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (plaintext, at, xor) => {
          const env = sealField(key, ref, plaintext);
          const i = at % env.length;
          const bad = env.slice();
          bad[i] = (bad[i] ?? 0) ^ xor;
          let thrown: unknown;
          try {
            openField(key, ref, bad);
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(IntegrityError);
          if (i < 2) expect(thrown).toBeInstanceOf(UnsupportedEnvelopeError);
          else if (i < 10) expect(thrown).toBeInstanceOf(WrongKeyError);
          else expect(thrown).toBeInstanceOf(FieldTamperedError);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses an envelope moved to another table, column or row', () => {
    const key = newKey();
    fc.assert(
      fc.property(refArb, refArb, fc.uint8Array({ maxLength: 32 }), (a, b, plaintext) => {
        fc.pre(a.table !== b.table || a.column !== b.column || a.rowId !== b.rowId);
        const env = sealField(key, a, plaintext);
        expect(() => openField(key, b, env)).toThrow(FieldTamperedError);
      }),
      { numRuns: 200 },
    );
    const env = sealField(key, ref, new Uint8Array([9]));
    expect(() => openField(key, { ...ref, rowId: 'msg_02' }, env)).toThrow(FieldTamperedError);
    expect(() => openField(key, { ...ref, column: 'title' }, env)).toThrow(FieldTamperedError);
    expect(() => openField(key, { ...ref, table: 'contacts' }, env)).toThrow(FieldTamperedError);
  });

  it('names the field, but never the plaintext, in the tamper message', () => {
    const key = newKey();
    const env = sealText(key, ref, 'very secret words');
    const bad = env.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    try {
      openText(key, ref, bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FieldTamperedError);
      const message = (error as Error).message;
      expect(message).toContain('messages.body');
      expect(message).toContain('msg_01');
      expect(message).not.toContain('secret');
      expect((error as AfterwordError).code).toBe('INTEGRITY');
    }
  });

  it('rejects every truncation', () => {
    const key = newKey();
    const env = sealField(key, ref, randomBytes(20));
    for (let len = 0; len < env.length; len++) {
      const expected = len < ENVELOPE_MIN_BYTES ? UnsupportedEnvelopeError : FieldTamperedError;
      expect(() => openField(key, ref, env.subarray(0, len))).toThrow(expected);
    }
  });

  it('reports a different key id as WrongKeyError and a same-id different key as tampering', () => {
    const key = newKey();
    const env = sealField(key, ref, new Uint8Array([1]));
    expect(() => openField(newKey(), ref, env)).toThrow(WrongKeyError);
    expect(() => openField({ id: key.id, key: randomBytes(32) }, ref, env)).toThrow(FieldTamperedError);
  });

  it('rejects unknown versions and algorithms', () => {
    const key = newKey();
    const env = sealField(key, ref, new Uint8Array([1]));
    const v2 = env.slice();
    v2[0] = 2;
    expect(() => openField(key, ref, v2)).toThrow(/unknown version 2/);
    const alg9 = env.slice();
    alg9[1] = 9;
    expect(() => openField(key, ref, alg9)).toThrow(/unknown algorithm 9/);
  });

  it('rejects malformed keys and refs containing NUL as bad requests', () => {
    expect(() => sealField({ id: randomBytes(7), key: randomBytes(32) }, ref, new Uint8Array())).toThrow(
      BadRequestError,
    );
    expect(() => sealField({ id: randomBytes(8), key: randomBytes(31) }, ref, new Uint8Array())).toThrow(
      BadRequestError,
    );
    expect(() => sealField(newKey(), { ...ref, table: 'a\0b' }, new Uint8Array())).toThrow(BadRequestError);
  });

  it('refuses to read a binary value as text', () => {
    const key = newKey();
    const env = sealField(key, ref, new Uint8Array([0xff, 0xfe]));
    expect(() => openText(key, ref, env)).toThrow(IntegrityError);
  });
});
