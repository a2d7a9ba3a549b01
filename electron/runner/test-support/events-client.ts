// Test helper: a WebSocket client for /api/events that records messages and how it ended.
import { WebSocket } from 'ws';

export interface EventsClient {
  ws: WebSocket;
  messages: { event: string; payload: unknown }[];
  closed: Promise<{ code: number; reason: string }>;
  waitFor(event: string, timeoutMs?: number): Promise<unknown>;
}

/** Opens the socket; rejects with `HTTP <status>` when the upgrade is refused. */
export function openEvents(base: string, options: { cookie?: string; origin?: string; authorization?: string } = {}): Promise<EventsClient> {
  const url = new URL('/api/events', base);
  url.protocol = 'ws:';
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.authorization) headers.authorization = options.authorization;
  const ws = new WebSocket(url, { headers, origin: options.origin });
  const messages: { event: string; payload: unknown }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as { event: string; payload: unknown }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
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
        closed,
        async waitFor(event, timeoutMs = 3000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const found = messages.find((m) => m.event === event);
            if (found) return found.payload;
            if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms; got ${messages.map((m) => m.event).join(', ')}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
      }),
    );
  });
}
