/**
 * Gathers what finishes in one turn of the event loop and commits it at the end of that turn, in
 * one go. The outbox worker notes its accepted sends through it: when the main thread was busy,
 * the mail thread's answers for several lanes arrive together, and one commit notes them all
 * instead of one commit each. Every lane waits for the commit that holds its note before it sends
 * again, so a kill still repeats at most the send each lane had on the wire.
 */
export class NoteBatch<T> {
  private pending: { note: T; done: () => void; failed: (error: unknown) => void }[] = [];

  constructor(
    private readonly commit: (notes: T[]) => void,
    /** Runs the commit once the turn's callbacks are done (setImmediate). */
    private readonly later: (run: () => void) => void = setImmediate,
  ) {}

  /** Resolves once `note` is committed; rejects with the commit's error. */
  add(note: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending.length === 0) this.later(() => this.flush());
      this.pending.push({ note, done: resolve, failed: reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.commit(batch.map((entry) => entry.note));
    } catch (error) {
      for (const entry of batch) entry.failed(error);
      return;
    }
    for (const entry of batch) entry.done();
  }
}
