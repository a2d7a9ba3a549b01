import { describe, expect, it } from 'vitest';
import { EventStream, parseEventMessage, SESSION_ENDED, type SocketLike } from './event-stream';
import type { EventMessage } from './transport';

class FakeSocket implements SocketLike {
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  closedWith: number | null = null;
  close(code?: number) {
    this.closedWith = code ?? 1000;
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const stream = new EventStream({
    url: 'ws://x/api/events',
    open: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    backoff: { initialMs: 1000, maxMs: 8000 },
    setTimer: (fn, ms) => {
      const timer = { fn, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (t) => {
      (t as { cleared: boolean }).cleared = true;
    },
  });
  const fire = () => {
    const t = timers.filter((x) => !x.cleared).pop()!;
    t.cleared = true;
    t.fn();
  };
  return { stream, sockets, timers, fire };
}

describe('parseEventMessage', () => {
  it('accepts the contract events and nothing else', () => {
    expect(parseEventMessage('{"event":"vault.lockChanged","payload":{"unlocked":true}}')).toEqual({
      event: 'vault.lockChanged',
      payload: { unlocked: true },
    });
    expect(parseEventMessage('{"event":"toString","payload":{}}')).toBeNull();
    expect(parseEventMessage('{"event":"vault.lockChanged"}')).toBeNull();
    expect(parseEventMessage('not json')).toBeNull();
    expect(parseEventMessage(42)).toBeNull();
  });
});

describe('EventStream', () => {
  it('opens one socket for all subscribers and closes it after the last', () => {
    const { stream, sockets } = harness();
    const a = stream.subscribe(() => {});
    const b = stream.subscribe(() => {});
    expect(sockets).toHaveLength(1);
    a();
    expect(sockets[0]!.closedWith).toBeNull();
    b();
    expect(sockets[0]!.closedWith).toBe(1000);
  });

  it('delivers messages to every subscriber', () => {
    const { stream, sockets } = harness();
    const got: EventMessage[] = [];
    stream.subscribe((m) => got.push(m));
    stream.subscribe((m) => got.push(m));
    sockets[0]!.onmessage!({ data: '{"event":"outbox.progress","payload":{"pending":1,"sent":2,"failed":0}}' });
    expect(got).toHaveLength(2);
  });

  it('reconnects with growing waits, and a successful call cuts the wait short', () => {
    const { stream, sockets, timers, fire } = harness();
    stream.subscribe(() => {});
    sockets[0]!.onclose!({ code: 1006 });
    expect(timers[0]!.ms).toBeGreaterThanOrEqual(800);
    fire();
    expect(sockets).toHaveLength(2);
    sockets[1]!.onclose!({ code: 1006 });
    expect(timers[1]!.ms).toBeGreaterThanOrEqual(1600);
    stream.nudge();
    expect(sockets).toHaveLength(3);
  });

  it('reports an ended session as locked and stays closed until subscribed afresh', () => {
    const { stream, sockets, timers } = harness();
    const got: EventMessage[] = [];
    const off = stream.subscribe((m) => got.push(m));
    sockets[0]!.onclose!({ code: SESSION_ENDED });
    expect(got).toEqual([{ event: 'vault.lockChanged', payload: { unlocked: false } }]);
    expect(timers).toHaveLength(0);
    stream.nudge();
    expect(sockets).toHaveLength(1);
    off();
    stream.subscribe(() => {});
    expect(sockets).toHaveLength(2);
  });
});
