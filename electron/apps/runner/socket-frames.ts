/**
 * Frames on the runner's WebSocket (`/api/events`), one JSON text frame each:
 *
 * - client → server, a request:  `{ "id": "r1", "method": "messages.list", "input": { "limit": 50 } }`
 *   (`id`: a string of 1–128 characters or a safe integer, chosen by the client and echoed back;
 *   `input` may be left out, like an empty HTTP body; no other keys);
 * - server → client, its reply:  `{ "id": "r1", "reply": { "ok": true, "data": … } }` — the same
 *   Reply as over HTTP, in whatever order the calls finish (match them by id). A frame that is JSON
 *   but not a request gets `{ "id": <its id, or null>, "reply": { "ok": false, "code": "BAD_REQUEST", … } }`;
 *   a frame that is not JSON text at all closes the socket (1007, or 1003 for binary frames);
 * - server → client, an event:   `{ "event": "plan.stateChanged", "payload": { … } }` (unchanged).
 */
import type { Reply } from '../../../shared/contract/reply.js';

export type RequestId = string | number;

export interface RequestFrame {
  id: RequestId;
  method: string;
  input?: unknown;
}

export interface ReplyFrame {
  id: RequestId | null;
  reply: Reply<unknown>;
}

export interface EventFrame {
  event: string;
  payload: unknown;
}

export const MAX_ID_LENGTH = 128;
export const MAX_METHOD_LENGTH = 128;

/** Close codes (RFC 6455): a text frame that is not JSON; a binary frame. */
export const CLOSE_NOT_JSON = 1007;
export const CLOSE_BINARY = 1003;

export type ParsedFrame =
  | { kind: 'request'; id: RequestId; method: string; input: unknown }
  | { kind: 'bad'; id: RequestId | null; message: string }
  | { kind: 'not-json' };

const FRAME_KEYS = new Set(['id', 'method', 'input']);

function isRequestId(value: unknown): value is RequestId {
  if (typeof value === 'string') return value.length >= 1 && value.length <= MAX_ID_LENGTH;
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Reads one text frame; never throws. */
export function parseRequestFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'not-json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'bad', id: null, message: 'a request is a JSON object: { "id", "method", "input" }' };
  }
  const frame = value as Record<string, unknown>;
  const id = isRequestId(frame.id) ? frame.id : null;
  if (id === null) {
    return {
      kind: 'bad',
      id: null,
      message: `"id" must be a string of 1 to ${MAX_ID_LENGTH} characters or an integer`,
    };
  }
  const method = frame.method;
  if (typeof method !== 'string' || method.length < 1 || method.length > MAX_METHOD_LENGTH) {
    return {
      kind: 'bad',
      id,
      message: `"method" must be a method name (a string of 1 to ${MAX_METHOD_LENGTH} characters)`,
    };
  }
  const extra = Object.keys(frame).find((key) => !FRAME_KEYS.has(key));
  if (extra !== undefined)
    return { kind: 'bad', id, message: `unexpected key in the request: ${JSON.stringify(extra.slice(0, 40))}` };
  return { kind: 'request', id, method, input: frame.input };
}
