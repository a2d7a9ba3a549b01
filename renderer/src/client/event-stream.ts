import type { EventName } from '../../../shared/contract/events.js';
import type { EventListener, EventMessage } from './transport';

/** The part of the browser's WebSocket the stream uses (a fake in tests). */
export interface SocketLike {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: (() => void) | null;
  close(code?: number): void;
}

/** The browser's WebSocket behind the SocketLike shape. */
export function browserSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  const socket: SocketLike = {
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    close: (code) => ws.close(code),
  };
  ws.onopen = () => socket.onopen?.();
  ws.onmessage = (event) => socket.onmessage?.({ data: event.data });
  ws.onclose = (event) => socket.onclose?.({ code: event.code });
  ws.onerror = () => socket.onerror?.();
  return socket;
}

export interface EventStreamOptions {
  url: string;
  open: (url: string) => SocketLike;
  backoff: { initialMs: number; maxMs: number };
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** The runner closes a socket with this code when its owner session ends (lock, logout, expiry). */
export const SESSION_ENDED = 4401;

/**
 * The contract's event names, kept as a type-checked record so that the renderer does not load
 * zod (shared/contract/events.ts builds schemas at import time): a new event is a compile error here.
 */
const KNOWN_EVENTS: Record<EventName, true> = {
  'vault.lockChanged': true,
  'plan.stateChanged': true,
  'outbox.progress': true,
  'warning.awaiting': true,
  'upload.progress': true,
  'backup.progress': true,
};

export function parseEventMessage(data: unknown): EventMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed = JSON.parse(data) as { event?: unknown; payload?: unknown };
    if (typeof parsed.event !== 'string' || !Object.hasOwn(KNOWN_EVENTS, parsed.event)) return null;
    if (typeof parsed.payload !== 'object' || parsed.payload === null) return null;
    return parsed as EventMessage;
  } catch {
    return null;
  }
}

/**
 * One WebSocket shared by every subscriber, opened on the first subscription and closed after the
 * last. It reconnects with exponential backoff (with jitter); a successful call cuts a waiting
 * backoff short. A session that ended (close code 4401) is reported as `vault.lockChanged
 * { unlocked: false }`, and the stream stays closed until it is subscribed to again from scratch.
 */
export class EventStream {
  private readonly listeners = new Set<EventListener>();
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  /** The server ended this window's session: stay closed until subscribers come back afresh. */
  private ended = false;
  private delay: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: EventStreamOptions) {
    this.delay = options.backoff.initialMs;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  subscribe(listener: EventListener): () => void {
    if (this.listeners.size === 0) this.ended = false;
    this.listeners.add(listener);
    if (!this.socket && this.timer === null && !this.ended) this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Reconnect now if a reconnection is waiting (the server is known to be reachable again). */
  nudge(): void {
    if (this.timer === null || this.listeners.size === 0 || this.ended) return;
    this.clearTimer(this.timer);
    this.timer = null;
    this.delay = this.options.backoff.initialMs;
    this.connect();
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.options.open(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.delay = this.options.backoff.initialMs;
    };
    socket.onmessage = (event) => {
      const message = parseEventMessage(event.data);
      if (message) this.emit(message);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === SESSION_ENDED) {
        // Not worth retrying: the next socket needs a new sign-in, after which the UI subscribes again.
        this.ended = true;
        this.emit({ event: 'vault.lockChanged', payload: { unlocked: false } });
        return;
      }
      if (this.listeners.size > 0) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const wait = Math.round(this.delay * (0.8 + Math.random() * 0.4));
    this.delay = Math.min(this.delay * 2, this.options.backoff.maxMs);
    this.timer = this.setTimer(() => {
      this.timer = null;
      if (this.listeners.size > 0) this.connect();
    }, wait);
  }

  private stop(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }

  private emit(message: EventMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch {
        // One broken screen must not silence the others.
      }
    }
  }
}
