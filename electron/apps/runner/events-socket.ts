import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Reply } from '../../../shared/contract/reply.js';
import type { Caller } from '../../core/api/router-types.js';
import type { Logger } from '../../core/ports/logger.js';
import { sessionFromCookie } from './auth.js';
import type { RunnerContext } from './runner-context.js';
import { CLOSE_BINARY, CLOSE_NOT_JSON, parseRequestFrame, type ReplyFrame, type RequestId } from './socket-frames.js';

export const EVENTS_PATH = '/api/events';
/** Close code sent when the owner session behind a socket ends (lock, logout, expiry). */
export const SESSION_ENDED = 4401;

/** How often sockets are pinged; one that missed the last ping, or whose session expired, is closed. */
const HEARTBEAT_MS = 30_000;
/** Requests one socket may have running at once; past that, the socket is not read until one ends. */
export const MAX_IN_FLIGHT = 16;
/** When a session ends with calls still running, their replies get this long before the socket closes. */
const END_GRACE_MS = 5000;
/** Room for the frame around a request's input (id, method, keys). */
const FRAME_OVERHEAD_BYTES = 4096;

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

const SESSION_OVER: Reply<never> = {
  ok: false,
  code: 'UNAUTHORIZED',
  message: 'your session has ended: sign in again',
};
const INTERNAL: Reply<never> = {
  ok: false,
  code: 'INTERNAL',
  message: 'something went wrong inside Afterword; details are in its log',
};

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export interface EventSocket {
  close(): void;
  readonly clients: number;
}

/** One open socket: whose session it is, and the calls it has running. */
interface Connection {
  jti: string;
  caller: Caller;
  inFlight: number;
  /** The session is over: new requests are refused, the socket closes once running calls replied. */
  ending: boolean;
}

/**
 * `GET /api/events` upgraded to a WebSocket, for owner sessions only (cookie checked, Origin
 * checked). Every AppCore event goes out as `{ event, payload }`; requests `{ id, method, input }`
 * go through the same router as HTTP, as the session's owner, and are answered `{ id, reply }`
 * (frames: socket-frames.ts). The socket closes (4401) when its session ends; a request that
 * arrives after that gets UNAUTHORIZED.
 */
export function attachEventSocket(server: Server, ctx: RunnerContext, logger?: Logger): EventSocket {
  const { app, router, auth } = ctx;
  const wss = new WebSocketServer({ noServer: true, maxPayload: ctx.maxBodyBytes + FRAME_OVERHEAD_BYTES });
  const clients = new Map<WebSocket, Connection>();
  const alive = new WeakSet<WebSocket>();
  let closed = false;

  const send = (ws: WebSocket, frame: ReplyFrame): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(frame);
    } catch (error) {
      logger?.error('socket reply not serializable', { error: (error as Error)?.message });
      text = JSON.stringify({ id: frame.id, reply: INTERNAL });
    }
    ws.send(text);
  };

  /** The session is over: close now, or once the calls still running have replied. */
  const end = (ws: WebSocket, conn: Connection): void => {
    if (!conn.ending) {
      conn.ending = true;
      if (conn.inFlight > 0) setTimeout(() => ws.close(SESSION_ENDED, 'session ended'), END_GRACE_MS).unref();
    }
    if (conn.inFlight === 0) ws.close(SESSION_ENDED, 'session ended');
  };

  const call = async (
    ws: WebSocket,
    conn: Connection,
    id: RequestId,
    method: string,
    input: unknown,
  ): Promise<void> => {
    let reply: Reply<unknown>;
    try {
      reply = await router.call(method, input, conn.caller);
    } catch (error) {
      logger?.error('socket rpc failed', { method, error: (error as Error)?.message });
      reply = INTERNAL;
    }
    send(ws, { id, reply });
  };

  const onFrame = (ws: WebSocket, conn: Connection, data: RawData, isBinary: boolean): void => {
    if (closed) return;
    if (isBinary) return ws.close(conn.ending ? SESSION_ENDED : CLOSE_BINARY, 'send requests as JSON text frames');
    const frame = parseRequestFrame(textOf(data));
    if (frame.kind === 'not-json') return ws.close(conn.ending ? SESSION_ENDED : CLOSE_NOT_JSON, 'not JSON');
    if (conn.ending || !auth.sessions.isLive(conn.jti) || !app.isUiUnlocked) {
      send(ws, { id: frame.id, reply: SESSION_OVER });
      // Expired, or locked behind the runner's back: the session is over for every transport.
      auth.sessions.revoke(conn.jti);
      return end(ws, conn);
    }
    if (frame.kind === 'bad')
      return send(ws, { id: frame.id, reply: { ok: false, code: 'BAD_REQUEST', message: frame.message } });
    auth.sessions.touch(conn.jti, frame.method);
    conn.inFlight++;
    if (conn.inFlight >= MAX_IN_FLIGHT) ws.pause();
    void call(ws, conn, frame.id, frame.method, frame.input).finally(() => {
      conn.inFlight--;
      if (ws.isPaused && conn.inFlight < MAX_IN_FLIGHT) ws.resume();
      if (conn.ending && conn.inFlight === 0) ws.close(SESSION_ENDED, 'session ended');
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== EVENTS_PATH) return refuse(socket, 404);
      if (closed) return refuse(socket, 503);
      const origin = req.headers.origin;
      if (origin !== undefined && !ctx.origins().allows(origin)) return refuse(socket, 403);
      const session = await sessionFromCookie(auth, req.headers.cookie);
      if (!session) return refuse(socket, 401);
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closed || !auth.sessions.isLive(session.jti)) {
          ws.close(SESSION_ENDED, 'session ended');
          return;
        }
        const conn: Connection = {
          jti: session.jti,
          caller: { role: 'owner', transport: 'ws', principal: session.sessionId },
          inFlight: 0,
          ending: false,
        };
        clients.set(ws, conn);
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
        ws.on('message', (data, isBinary) => {
          try {
            onFrame(ws, conn, data, isBinary);
          } catch (error) {
            logger?.error('socket frame failed', { error: (error as Error)?.message });
            ws.terminate();
          }
        });
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
    for (const [ws, conn] of clients) if (conn.jti === jti) end(ws, conn);
  });

  const heartbeat = setInterval(() => {
    for (const [ws, conn] of clients) {
      if (!auth.sessions.isLive(conn.jti)) {
        auth.sessions.revoke(conn.jti);
        end(ws, conn);
      } else if (!alive.has(ws)) ws.terminate();
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
