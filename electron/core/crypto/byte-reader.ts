/**
 * Pull-based reader over an AsyncIterable of byte pieces of arbitrary sizes: read exactly n bytes
 * (fewer only at the end), and ask whether anything is left. Holds at most one source piece
 * beyond what was returned, so memory stays flat whatever the total size.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private piece: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private exhausted = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Ensures the current piece has unread bytes; false when the source is finished. */
  private async fill(): Promise<boolean> {
    while (this.offset >= this.piece.length) {
      if (this.exhausted) return false;
      const next = await this.iterator.next();
      if (next.done === true) {
        this.exhausted = true;
        this.piece = new Uint8Array(0);
        this.offset = 0;
        return false;
      }
      if (!(next.value instanceof Uint8Array)) {
        throw new TypeError('byte stream yielded something that is not a Uint8Array');
      }
      this.piece = next.value;
      this.offset = 0;
    }
    return true;
  }

  /**
   * Returns a fresh array of exactly `n` bytes, or fewer if the source ends first.
   * Always copies, so a source that reuses its buffers cannot corrupt what was returned.
   */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n && (await this.fill())) {
      const take = Math.min(n - filled, this.piece.length - this.offset);
      out.set(this.piece.subarray(this.offset, this.offset + take), filled);
      this.offset += take;
      filled += take;
    }
    return filled === n ? out : out.subarray(0, filled);
  }

  /**
   * Like read(), but without copying when the current piece holds MORE than `n` unread bytes: the
   * view then stays valid until the next read, because atEnd() will not need to pull a new piece
   * (which a source may write into the same buffer). Otherwise it falls back to a copy.
   */
  async readTransient(n: number): Promise<Uint8Array> {
    if ((await this.fill()) && this.piece.length - this.offset > n) {
      const view = this.piece.subarray(this.offset, this.offset + n);
      this.offset += n;
      return view;
    }
    return this.read(n);
  }

  /** True when no byte is left (pulls at most one piece ahead to find out). */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Releases the source early (e.g. closes a file stream) unless it already finished. */
  async close(): Promise<void> {
    if (this.exhausted) return;
    this.exhausted = true;
    this.piece = new Uint8Array(0);
    this.offset = 0;
    await this.iterator.return?.();
  }
}
