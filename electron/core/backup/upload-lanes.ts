/**
 * At most `limit` uploads in flight at once, fed one at a time by a reader that waits for a free
 * lane (`free()`) before it reads the next chunk: the lanes never sit idle between files, and no
 * more than `limit` chunks are held in memory. The first failure stops the feeding (`free()` throws
 * it) and is thrown by `idle()`, once every upload already started has settled. An aborted
 * `signal` stops the feeding the same way (the process is shutting down).
 */
export class UploadLanes {
  private readonly running = new Set<Promise<void>>();
  private failed: { error: unknown } | null = null;

  constructor(
    private readonly limit: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Resolves when a new upload may start; throws the first failure instead. */
  async free(): Promise<void> {
    while (this.running.size >= this.limit && !this.failed) await Promise.race(this.running);
    if (this.failed) throw this.failed.error;
    this.signal?.throwIfAborted();
  }

  /** Starts `upload` now (call after `free()`). */
  start(upload: () => Promise<void>): void {
    const run: Promise<void> = upload()
      .catch((error: unknown) => {
        this.failed ??= { error };
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Waits for every upload started; throws the first failure, if any. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    if (this.failed) throw this.failed.error;
  }
}
