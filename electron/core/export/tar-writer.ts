/**
 * A small streaming tar writer (POSIX ustar, with a pax `path` record for names that do not fit
 * ustar's 100 bytes or are not ASCII): every GNU tar, bsdtar and 7-Zip reads it. Entries come one
 * after the other and their bodies are streamed, so a large attachment is never held whole; the
 * size of each file must be known before its body (tar writes it in the header).
 */

const BLOCK = 512;
/** Output is gathered into pieces of about this size, so the encryption downstream sees few small writes. */
const PIECE_BYTES = 64 * 1024;

export interface TarFile {
  path: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  body: Uint8Array | (() => AsyncIterable<Uint8Array>);
}

export interface TarDirectory {
  path: string;
  mtime: number;
  directory: true;
}

export type TarEntry = TarFile | TarDirectory;

const utf8 = new TextEncoder();
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;
/** ustar's size field: 11 octal digits. */
const MAX_SIZE = 8 ** 11 - 1;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: Uint8Array, size: number, mtime: number, type: '0' | '5' | 'x', mode: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (text: string | Uint8Array, offset: number): void => {
    block.set(typeof text === 'string' ? utf8.encode(text) : text, offset);
  };
  put(name.subarray(0, 100), 0);
  put(octal(mode, 8), 100);
  put(octal(0, 8), 108); // uid
  put(octal(0, 8), 116); // gid
  put(octal(size, 12), 124);
  put(octal(Math.max(0, Math.floor(mtime)), 12), 136);
  put('        ', 148); // checksum: spaces while it is summed
  put(type, 156);
  put('ustar\0' + '00', 257);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return block;
}

/** One pax record, `<length> path=<value>\n`, where the length counts itself. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = utf8.encode(` ${key}=${value}\n`);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return utf8.encode(`${length} ${key}=${value}\n`);
}

const padding = (size: number): Uint8Array => new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);

/** The header blocks of an entry: a pax header first when the name needs one. */
function headersOf(path: string, size: number, mtime: number, directory: boolean): Uint8Array[] {
  const name = utf8.encode(directory && !path.endsWith('/') ? `${path}/` : path);
  const mode = directory ? DIRECTORY_MODE : FILE_MODE;
  const type = directory ? '5' : '0';
  const plain = name.length <= 100 && /^[\x20-\x7e]*$/.test(path);
  if (plain) return [header(name, size, mtime, type, mode)];
  const pax = paxRecord('path', new TextDecoder().decode(name));
  const shortName = utf8.encode(`PaxHeaders/${path.replace(/[^\x20-\x7e]/g, '_')}`.slice(0, 99));
  return [
    header(shortName, pax.length, mtime, 'x', FILE_MODE),
    pax,
    padding(pax.length),
    header(shortName, size, mtime, type, mode),
  ];
}

/** Gathers small writes into pieces of about PIECE_BYTES. */
class Pieces {
  private parts: Uint8Array[] = [];
  private length = 0;

  add(bytes: Uint8Array): Uint8Array | null {
    if (bytes.length === 0) return null;
    this.parts.push(bytes);
    this.length += bytes.length;
    return this.length >= PIECE_BYTES ? this.take() : null;
  }

  take(): Uint8Array | null {
    if (this.length === 0) return null;
    const out = this.parts.length === 1 ? this.parts[0]! : concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    return out;
  }
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function* bodyOf(file: TarFile): AsyncGenerator<Uint8Array> {
  if (file.body instanceof Uint8Array) {
    yield file.body;
    return;
  }
  yield* file.body();
}

/** The tar stream of these entries, in order, ending with the two zero blocks. */
export async function* tarStream(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Uint8Array> {
  const pieces = new Pieces();
  const emit = function* (bytes: Uint8Array): Generator<Uint8Array> {
    const piece = pieces.add(bytes);
    if (piece) yield piece;
  };
  // Errors name an entry by its number: its path holds message titles and file names, which
  // must not reach a log.
  let index = -1;
  for await (const entry of entries) {
    index++;
    if ('directory' in entry) {
      for (const block of headersOf(entry.path, 0, entry.mtime, true)) yield* emit(block);
      continue;
    }
    if (entry.size > MAX_SIZE) throw new Error(`entry ${index} of the archive is too large for a tar entry`);
    for (const block of headersOf(entry.path, entry.size, entry.mtime, false)) yield* emit(block);
    let written = 0;
    for await (const chunk of bodyOf(entry)) {
      written += chunk.length;
      if (written > entry.size) break;
      yield* emit(chunk);
    }
    if (written !== entry.size) {
      throw new TarSizeError(index, entry.size, written);
    }
    yield* emit(padding(entry.size));
  }
  yield* emit(new Uint8Array(BLOCK * 2));
  const rest = pieces.take();
  if (rest) yield rest;
}

/** A body that was not the size announced in its header (the tar would be unreadable past it). */
export class TarSizeError extends Error {
  constructor(
    /** The entry's number in the archive (0 the first). */
    readonly index: number,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`entry ${index} of the archive: ${actual} bytes where ${expected} were expected`);
    this.name = 'TarSizeError';
  }
}
