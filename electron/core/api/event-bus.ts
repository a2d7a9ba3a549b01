import type { EventName, EventPayload } from '../../../shared/contract/events.js';
import type { EventListener, EventSource } from './router-types.js';

/** A tiny synchronous event bus; a listener that throws never stops the others. */
export class EventBus implements EventSource {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        // A broken UI connection must not break the scheduler.
      }
    }
  }
}
