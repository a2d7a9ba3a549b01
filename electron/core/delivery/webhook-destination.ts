/**
 * Where a webhook POST may connect, decided at send time: the host is resolved here (DNS can
 * change between saving a webhook and sending to it — rebinding), every address it resolves to is
 * checked (shared/network-address.ts), and the connection is then made to those checked addresses
 * only, with the URL's host name kept for the Host header and TLS (SNI, certificate).
 */
import type * as Dns from 'node:dns/promises';
import type * as Http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import type * as Stream from 'node:stream';
import { classifyIpAddress } from '../../../shared/network-address.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to (injected in tests to play DNS). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

// Node's DNS, HTTP(S) and TLS code is read on the first webhook, not at start-up: every CLI command
// loads this module (a cron `tick` with nothing due among them), few post to a webhook.
const requireBuiltin = createRequire(import.meta.url);

export const systemResolveHost: ResolveHost = (hostname) =>
  (requireBuiltin('node:dns/promises') as typeof Dns).lookup(hostname, { all: true, verbatim: true });

/** A webhook host that is, or resolves to, an address it may not reach. Permanent: retrying will not help. */
export class WebhookDestinationRefusedError extends Error {
  constructor(
    readonly errorCode: 'WEBHOOK_FORBIDDEN_ADDRESS' | 'WEBHOOK_PRIVATE_ADDRESS',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The addresses to connect to for `hostname` (a bare name, or an IP literal, IPv6 in brackets).
 * Throws WebhookDestinationRefusedError when any of them may not be reached; a DNS failure is
 * thrown as it came (a temporary failure for the caller).
 */
export async function checkedAddresses(
  hostname: string,
  allowPrivateNetwork: boolean,
  resolve: ResolveHost,
): Promise<ResolvedAddress[]> {
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const literalClass = classifyIpAddress(literal);
  const addresses = literalClass
    ? [{ address: literal, family: literal.includes(':') ? 6 : 4 }]
    : await resolve(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} resolves to no address`);
  for (const { address } of addresses) {
    const kind = classifyIpAddress(address) ?? 'forbidden';
    const where = literalClass ? address : `${hostname} resolves to ${address}, which`;
    if (kind === 'forbidden') {
      throw new WebhookDestinationRefusedError(
        'WEBHOOK_FORBIDDEN_ADDRESS',
        `${where} is a link-local, cloud metadata, unspecified or reserved address: a webhook never goes there`,
      );
    }
    if (kind === 'private' && !allowPrivateNetwork) {
      throw new WebhookDestinationRefusedError(
        'WEBHOOK_PRIVATE_ADDRESS',
        `${where} is on this machine or a private network, and this webhook is not marked as being on your own network: if it is, mark it so (--allow-private-network)`,
      );
    }
  }
  return addresses;
}

/** The part of a fetch Response the sender reads. */
export interface WebhookResponse {
  status: number;
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

export interface PinnedPost {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** POSTs to `url`, connecting only to `addresses` (no DNS query of its own, no pooled socket). */
export function postPinned(url: URL, addresses: ResolvedAddress[], init: PinnedPost): Promise<WebhookResponse> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const request =
    url.protocol === 'https:'
      ? (requireBuiltin('node:https') as typeof Https).request
      : (requireBuiltin('node:http') as typeof Http).request;
  const { Readable } = requireBuiltin('node:stream') as typeof Stream;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
        lookup,
        agent: false,
        signal: init.signal,
      },
      (res: IncomingMessage) => {
        resolve({
          status: res.statusCode ?? 0,
          headers: { get: (name) => headerValue(res, name) },
          body: Readable.toWeb(res) as ReadableStream<Uint8Array>,
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function headerValue(res: IncomingMessage, name: string): string | null {
  const value = res.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
