// The tar writer's refusals: an entry whose body is not the size its header announced stops the
// archive, and the error names the entry by its number, never by its path (message titles and
// file names are in the paths, and errors may reach a log).
import { describe, expect, it } from 'vitest';
import { tarStream, TarSizeError } from './tar-writer.js';

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of stream) void chunk;
}

describe('tarStream', () => {
  it('refuses a body shorter than announced, naming the entry by number only', async () => {
    const secretPath = 'afterword-export/messages/001 Letter to Ann/attachments/bank.pdf';
    const entries = [
      {
        path: 'afterword-export/README.txt',
        size: 2,
        mtime: 0,
        body: async function* () {
          yield new Uint8Array(2);
        },
      },
      {
        path: secretPath,
        size: 10,
        mtime: 0,
        body: async function* () {
          yield new Uint8Array(4);
        },
      },
    ];
    const error = await drain(tarStream(entries)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TarSizeError);
    expect(error).toMatchObject({ index: 1, expected: 10, actual: 4 });
    expect(String((error as Error).message)).not.toMatch(/Letter|bank|Ann/);
  });
});
