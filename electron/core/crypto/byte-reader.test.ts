import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ByteReader } from './byte-reader.js';
import { decryptBlobStream, encryptBlobStream } from './blob-stream.js';

/** A source that reuses ONE buffer, overwriting it each time it is asked for the next piece. */
async function* reusingSource(content: Uint8Array, pieceSize: number): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(pieceSize);
  for (let at = 0; at < content.length; at += pieceSize) {
    const piece = content.subarray(at, at + pieceSize);
    buffer.set(piece);
    yield buffer.subarray(0, piece.length);
    buffer.fill(0xee); // what a careless producer does once the consumer moves on
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(Uint8Array.from(p));
  return Buffer.concat(parts);
}

describe('ByteReader.readTransient', () => {
  it('returns views only while they cannot be overwritten, copies otherwise', async () => {
    const content = new Uint8Array(randomBytes(10));
    const reader = new ByteReader(reusingSource(content, 4));
    const first = await reader.readTransient(3); // 4 bytes in the piece > 3: a view
    expect(await reader.atEnd()).toBe(false);
    expect(Array.from(first)).toEqual(Array.from(content.subarray(0, 3)));
    const second = await reader.readTransient(4); // spans pieces: a copy
    expect(await reader.atEnd()).toBe(false); // pulls the next piece, overwriting the buffer
    expect(Array.from(second)).toEqual(Array.from(content.subarray(3, 7)));
  });

  it('encrypts a source that reuses its buffer correctly (the view is sealed before the next pull)', async () => {
    const key = { id: new Uint8Array(randomBytes(8)), key: new Uint8Array(randomBytes(32)) };
    for (const pieceSize of [1 << 20, 65536, 65536 * 2 + 7, 1000]) {
      const content = new Uint8Array(randomBytes(65536 * 5 + 123));
      const sealed = await collect(encryptBlobStream(reusingSource(content, pieceSize), { key, blobId: 'att_x' }));
      const plain = await collect(
        decryptBlobStream(
          (async function* () {
            yield sealed;
          })(),
          { key, blobId: 'att_x' },
        ),
      );
      expect(plain.equals(Buffer.from(content))).toBe(true);
    }
  });
});
