import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { AppCore } from '../core/api/app-core.js';
import type { AuthDeps } from './auth.js';
import { sessionFromCookie } from './auth.js';
import type { Origins } from './origins.js';

export const EVENTS_PATH = '/api/events';
/** Close code sent when the owner session behind a socket ends (lock, logout, expiry). */
export const SESSION_ENDED = 4401;

/** How often sockets are pinged; one that missed the last ping, or whose session expired, is closed. */
const HEARTBEAT_MS = 30_000;

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export interface EventSocket {
  close(): void;
  readonly clients: number;
}

/**
 * `GET /api/events` upgraded to a WebSocket, for owner sessions only (cookie checked, Origin
 * checked): every AppCore event goes out as `{ event, payload }`. The socket closes when its
 * session ends. Messages from the client are ignored.
 */
export function attachEventSocket(server: Server, app: AppCore, auth: AuthDeps, origins: () => Origins): EventSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Map<WebSocket, string>();
  const alive = new WeakSet<WebSocket>();
  let closed = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== EVENTS_PATH) return refuse(socket, 404);
      if (closed) return refuse(socket, 503);
      const origin = req.headers.origin;
      if (origin !== undefined && !origins().allows(origin)) return refuse(socket, 403);
      const session = await sessionFromCookie(auth, req.headers.cookie);
      if (!session) return refuse(socket, 401);
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closed || !auth.sessions.isLive(session.jti)) {
          ws.close(SESSION_ENDED, 'session ended');
          return;
        }
        clients.set(ws, session.jti);
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
        ws.on('close', () => clients.delete(ws));
        ws.on('error', () => ws.terminate());
      });
    })().catch(() => socket.destroy());
  };
  server.on('upgrade', onUpgrade);

  const unsubscribe = app.events.subscribe((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of clients.keys()) if (ws.readyState === WebSocket.OPEN) ws.send(message);
  });
  const stopRevocations = auth.sessions.onRevoke((jti) => {
    for (const [ws, owner] of clients) if (owner === jti) ws.close(SESSION_ENDED, 'session ended');
  });

  const heartbeat = setInterval(() => {
    for (const [ws, jti] of clients) {
      if (!auth.sessions.isLive(jti)) ws.close(SESSION_ENDED, 'session ended');
      else if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    get clients() {
      return clients.size;
    },
    close() {
      closed = true;
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      unsubscribe();
      stopRevocations();
      for (const ws of clients.keys()) ws.close(1001, 'Afterword is stopping');
      // Sockets that do not answer the close handshake promptly are cut.
      const timer = setTimeout(() => {
        for (const ws of clients.keys()) ws.terminate();
      }, 1000);
      timer.unref();
      wss.close();
    },
  };
}
