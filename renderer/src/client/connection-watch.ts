/** Whether the core answers: `lost` from a call that got no answer until the next one that does. */
export type ConnectionState = 'online' | 'lost';

/**
 * The transport's view of the line to the core, for the UI to say "connection lost" instead of
 * showing a network error per call and data that silently went stale.
 */
export class ConnectionWatch {
  private current: ConnectionState = 'online';
  private readonly listeners = new Set<(state: ConnectionState) => void>();

  get state(): ConnectionState {
    return this.current;
  }

  /** A call went out and nothing came back (refused, reset, offline). */
  lost(): void {
    this.set('lost');
  }

  /** Any answer at all, an error reply included: the core is there. */
  answered(): void {
    this.set('online');
  }

  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}
