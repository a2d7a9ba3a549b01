// Test helper: a WebSocket client for /api/events that records events and replies, makes RPC
// calls over the socket, and records how the socket ended.
import { WebSocket } from 'ws';
import type { Reply } from '../../../../shared/contract/reply.js';

export interface ReplyFrame {
  id: string | number | null;
  reply: Reply<unknown>;
}

export interface EventsClient {
  ws: WebSocket;
  /** Events (`{ event, payload }`) in the order they arrived. */
  messages: { event: string; payload: unknown }[];
  /** Reply frames (`{ id, reply }`) in the order they arrived. */
  replies: ReplyFrame[];
  /** Frames that were neither (the server should send none). */
  other: unknown[];
  closed: Promise<{ code: number; reason: string }>;
  waitFor(event: string, timeoutMs?: number): Promise<unknown>;
  /** Sends `{ id, method, input }` and resolves with the reply of that id (rejects if the socket closes first). */
  call(method: string, input?: unknown): Promise<Reply<unknown>>;
  /** Sends a raw frame (a string is a text frame). */
  send(data: string | Buffer, options?: { binary?: boolean }): void;
  /** Resolves with the next reply frame whose id is `id` (null included). */
  replyFor(id: string | number | null, timeoutMs?: number): Promise<ReplyFrame>;
}

let nextId = 0;

/** Opens the socket; rejects with `HTTP <status>` when the upgrade is refused. */
export function openEvents(
  base: string,
  options: { cookie?: string; origin?: string; authorization?: string } = {},
): Promise<EventsClient> {
  const url = new URL('/api/events', base);
  url.protocol = 'ws:';
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.authorization) headers.authorization = options.authorization;
  const ws = new WebSocket(url, { headers, origin: options.origin });
  const messages: EventsClient['messages'] = [];
  const replies: ReplyFrame[] = [];
  const other: unknown[] = [];
  const waiting = new Map<
    string | number | null,
    { resolve: (frame: ReplyFrame) => void; reject: (error: Error) => void }[]
  >();
  let ended: { code: number; reason: string } | null = null;
  ws.on('message', (data) => {
    let frame: unknown;
    try {
      frame = JSON.parse(String(data));
    } catch {
      other.push(String(data));
      return;
    }
    const f = frame as Record<string, unknown>;
    if (typeof f === 'object' && f !== null && typeof f.event === 'string')
      messages.push(f as { event: string; payload: unknown });
    else if (typeof f === 'object' && f !== null && 'reply' in f && 'id' in f) {
      const reply = f as unknown as ReplyFrame;
      replies.push(reply);
      const queue = waiting.get(reply.id);
      const next = queue?.shift();
      if (queue && queue.length === 0) waiting.delete(reply.id);
      next?.resolve(reply);
    } else other.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      ended = { code, reason: String(reason) };
      for (const queue of waiting.values())
        for (const w of queue) w.reject(new Error(`socket closed (${code}) before the reply`));
      waiting.clear();
      resolve(ended);
    }),
  );
  const replyFor = (id: string | number | null, timeoutMs = 5000): Promise<ReplyFrame> =>
    new Promise((resolve, reject) => {
      if (ended) return reject(new Error(`socket closed (${ended.code}) before the reply`));
      const timer = setTimeout(() => reject(new Error(`no reply for ${String(id)} within ${timeoutMs} ms`)), timeoutMs);
      const entry = {
        resolve: (frame: ReplyFrame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiting.set(id, [...(waiting.get(id) ?? []), entry]);
    });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        replies,
        other,
        closed,
        replyFor,
        async waitFor(event, timeoutMs = 3000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const found = messages.find((m) => m.event === event);
            if (found) return found.payload;
            if (Date.now() > deadline)
              throw new Error(
                `no ${event} event within ${timeoutMs} ms; got ${messages.map((m) => m.event).join(', ')}`,
              );
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        async call(method, input) {
          const id = `c${++nextId}`;
          const reply = replyFor(id, 30_000);
          ws.send(JSON.stringify(input === undefined ? { id, method } : { id, method, input }));
          return (await reply).reply;
        },
        send(data, sendOptions = {}) {
          ws.send(data, { binary: sendOptions.binary ?? false });
        },
      }),
    );
  });
}
