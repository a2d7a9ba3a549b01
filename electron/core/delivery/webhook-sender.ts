/**
 * Sends outgoing items to webhooks: a JSON POST signed per the Standard Webhooks spec
 * (https://www.standardwebhooks.com/): headers `webhook-id` (stable per idempotencyKey:
 * `msg_` + 32 hex of sha256), `webhook-timestamp` (seconds), `webhook-signature` (`v1,<base64>`).
 * The payload format is in webhook-payload.ts and webhook-payloads.md:
 *
 *   { "type": "afterword.warning" | "afterword.delivery" | "afterword.notice" | "afterword.test",
 *     "timestamp": ISO 8601, "data": { ... } }
 *
 * Results: 2xx → ok. 408, 429 and 5xx → temporary (`WEBHOOK_TEMPORARY`, with `Retry-After` as
 * retryAfterMs). 3xx → permanent (`WEBHOOK_REDIRECT`: redirects are not followed, a signed body
 * goes only where the owner pointed it). Other 4xx → permanent (`WEBHOOK_REJECTED`). Network
 * errors and timeouts → temporary (`WEBHOOK_UNREACHABLE`). A URL or secret that cannot be used →
 * permanent (`WEBHOOK_BAD_URL`, `WEBHOOK_BAD_SECRET`). A host that is, or resolves to, an address
 * the webhook may not reach (webhook-destination.ts) → permanent (`WEBHOOK_FORBIDDEN_ADDRESS`, or
 * `WEBHOOK_PRIVATE_ADDRESS` for loopback and private ones when the webhook is not marked as on the
 * owner's network); the connection goes only to the addresses checked. The promise rejects only
 * when the content could not be read (an attachment stream failed).
 */
import { Webhook } from 'standardwebhooks';
import type { ChannelSender, OutgoingItem, SendResult } from './delivery-types.js';
import type { DeliveryStrings } from './delivery-strings.js';
import { idempotencyDigest } from './idempotency-digest.js';
import { buildWebhookPayload, DEFAULT_MAX_INLINE_ATTACHMENT_BYTES } from './webhook-payload.js';
import {
  checkedAddresses,
  postPinned,
  systemResolveHost,
  WebhookDestinationRefusedError,
  type ResolvedAddress,
  type ResolveHost,
  type WebhookResponse,
} from './webhook-destination.js';
import { redactResponse } from './redact-response.js';

export interface WebhookSenderOptions {
  /** Resolves webhook host names (default: the system resolver). Every answer is checked before connecting. */
  resolveHost?: ResolveHost;
  /**
   * Tests only: sends through this fetch instead of connecting to the checked addresses itself
   * (the addresses are still checked first, but fetch resolves the name again).
   */
  fetchImpl?: typeof fetch;
  /** For the whole request, response body included. Default 15 000. */
  timeoutMs?: number;
  /** Attachment bytes inlined per payload (before base64). Default 10 MiB. */
  maxInlineAttachmentBytes?: number;
  strings?: DeliveryStrings;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;
export const WEBHOOK_USER_AGENT = 'Afterword/0.1';
const MAX_RESPONSE_CHARS = 500;
/** Bytes of a response body read at most (the rest is cancelled): enough for the 500 characters kept. */
const MAX_RESPONSE_BYTES = 2048;

type Failure = Extract<SendResult, { ok: false }>;

/** The `webhook-id` of an item: the same for every attempt. */
export function webhookMessageId(idempotencyKey: string): string {
  return `msg_${idempotencyDigest(idempotencyKey)}`;
}

/**
 * `Retry-After` in milliseconds: delay-seconds or an HTTP-date (relative to `nowMs`). Undefined
 * when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Maps an HTTP answer to a SendResult (see the file comment). */
export function classifyWebhookResponse(
  status: number,
  body: string,
  retryAfter: string | null = null,
  nowMs: number = Date.now(),
): SendResult {
  const response = truncate(body ? `HTTP ${status}: ${body}` : `HTTP ${status}`);
  if (status >= 200 && status < 300) return { ok: true, response };
  if (status === 408 || status === 429 || status >= 500 || status < 200) {
    const result: Failure = { ok: false, permanent: false, errorCode: 'WEBHOOK_TEMPORARY', response };
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
    return result;
  }
  if (status < 400) return { ok: false, permanent: true, errorCode: 'WEBHOOK_REDIRECT', response };
  return { ok: false, permanent: true, errorCode: 'WEBHOOK_REJECTED', response };
}

export class WebhookSender implements ChannelSender {
  private readonly resolveHost: ResolveHost;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly timeoutMs: number;
  private readonly maxInlineAttachmentBytes: number;
  private readonly strings: DeliveryStrings | undefined;

  constructor(options: WebhookSenderOptions = {}) {
    this.resolveHost = options.resolveHost ?? systemResolveHost;
    this.fetchImpl = options.fetchImpl;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.maxInlineAttachmentBytes = options.maxInlineAttachmentBytes ?? DEFAULT_MAX_INLINE_ATTACHMENT_BYTES;
    this.strings = options.strings;
  }

  async send(item: OutgoingItem): Promise<SendResult> {
    const target = item.target;
    if (target.type !== 'webhook') {
      return fail(true, 'CHANNEL_MISMATCH', `WebhookSender cannot send to a ${target.type} target`);
    }

    const endpoint = parseEndpoint(target.url);
    if (typeof endpoint === 'string') return fail(true, 'WEBHOOK_BAD_URL', endpoint);
    // What is stored and shown to monitors never names the webhook's host, even where a network error prints it bare.
    const result = await this.post(item, endpoint, target.secret, target.allowPrivateNetwork === true);
    return { ...result, response: redactResponse(result.response, [new URL(endpoint.url).hostname]) };
  }

  private async post(
    item: OutgoingItem,
    endpoint: Endpoint,
    secret: string,
    allowPrivateNetwork: boolean,
  ): Promise<SendResult> {
    let signer: Webhook;
    try {
      signer = new Webhook(secret);
    } catch (err) {
      return fail(true, 'WEBHOOK_BAD_SECRET', `the webhook secret cannot be used: ${messageOf(err)}`);
    }

    let addresses: ResolvedAddress[];
    try {
      addresses = await checkedAddresses(new URL(endpoint.url).hostname, allowPrivateNetwork, this.resolveHost);
    } catch (err) {
      if (err instanceof WebhookDestinationRefusedError) return fail(true, err.errorCode, err.message);
      return fail(false, 'WEBHOOK_UNREACHABLE', networkErrorText(err));
    }

    const now = Date.now();
    const payload = await buildWebhookPayload(item.content, {
      now,
      maxInlineAttachmentBytes: this.maxInlineAttachmentBytes,
      ...(this.strings ? { strings: this.strings } : {}),
    });
    const body = JSON.stringify(payload);
    const msgId = webhookMessageId(item.idempotencyKey);
    const sentAt = new Date(now);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(now / 1000)),
      'webhook-signature': signer.sign(msgId, sentAt, body),
    };
    if (endpoint.authorization) headers.authorization = endpoint.authorization;

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const res: WebhookResponse = this.fetchImpl
        ? await this.fetchImpl(endpoint.url, {
            method: 'POST',
            headers,
            body,
            redirect: 'manual',
            signal: controller.signal,
          })
        : await postPinned(new URL(endpoint.url), addresses, { headers, body, signal: controller.signal });
      const text = await readSome(res);
      return classifyWebhookResponse(res.status, text, res.headers.get('retry-after'));
    } catch (err) {
      if (timedOut) return fail(false, 'WEBHOOK_UNREACHABLE', `no answer within ${this.timeoutMs} ms`);
      return fail(false, 'WEBHOOK_UNREACHABLE', networkErrorText(err));
    } finally {
      clearTimeout(timer);
    }
  }
}

interface Endpoint {
  url: string;
  authorization: string | null;
}

/** The URL to POST to, with credentials in it turned into a Basic header; or why it cannot be used. */
function parseEndpoint(raw: string): Endpoint | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the webhook URL is not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `the webhook URL must start with https:// or http://, not ${url.protocol}//`;
  }
  let authorization: string | null = null;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url: url.toString(), authorization };
}

/** The start of the response body as text; '' when there is none or reading it fails. */
async function readSome(res: WebhookResponse): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // The status is what counts; a body cut short (e.g. by the timeout) is not an error.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES)).slice(0, MAX_RESPONSE_CHARS);
}

function networkErrorText(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  const detail = cause instanceof Error ? cause.message : messageOf(err);
  return truncate(typeof code === 'string' && !detail.includes(code) ? `${code}: ${detail}` : detail);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function truncate(text: string): string {
  return text.length > MAX_RESPONSE_CHARS ? text.slice(0, MAX_RESPONSE_CHARS) : text;
}

function fail(permanent: boolean, errorCode: string, response: string): Failure {
  return { ok: false, permanent, errorCode, response: truncate(response) };
}
