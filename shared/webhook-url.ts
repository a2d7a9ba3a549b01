import { classifyIpAddress, parseIpv4 } from './network-address.js';

/**
 * Where a webhook may point. A signed POST leaves this machine on the owner's behalf, so a URL must
 * not reach what only this machine can: cloud metadata, link-local services, or (unless the owner
 * says the webhook is on their own network) loopback and private addresses. Checked when a webhook
 * or a recipient is saved (here, on the literal URL) and again at every send (electron/core, on
 * what the host name resolves to then).
 */
export const WEBHOOK_URL_PROBLEMS = [
  /** Not a URL at all. */
  'invalid',
  /** A scheme other than http or https. */
  'scheme',
  /** `user:pass@` in the URL. */
  'credentials',
  /** An IPv4 address written other than as four decimal numbers (2130706433, 0177.0.0.1, 0x7f.1, 127.1). */
  'ipForm',
  /** Link-local, cloud metadata, unspecified, multicast or reserved: never. */
  'forbiddenAddress',
  /** Loopback or a private network: only for a webhook marked as being on the owner's network. */
  'privateAddress',
] as const;
export type WebhookUrlProblem = (typeof WEBHOOK_URL_PROBLEMS)[number];

export interface WebhookUrlOptions {
  /** The owner said this webhook is on their own network (a self-hosted ntfy on the LAN). */
  allowPrivateNetwork: boolean;
}

/** On success `url` is the URL as written, trimmed (the sender parses it with the same WHATWG parser). */
export type WebhookUrlCheck =
  { ok: true; url: string; hostname: string } | { ok: false; problem: WebhookUrlProblem; message: string };

/** The English sentence for each problem (CLI and logs; the UI words them in the reader's language). */
export const WEBHOOK_URL_MESSAGES: Record<WebhookUrlProblem, string> = {
  invalid: 'not a valid webhook URL: it must start with https:// (or http:// for a local relay)',
  scheme: 'not a valid webhook URL: it must start with https:// (or http:// for a local relay)',
  credentials:
    'the webhook URL must not contain a user name or password (user:pass@): use a secret path or token the service gives you',
  ipForm:
    'write an IP address in a webhook URL as four decimal numbers (like 203.0.113.7), not in decimal, octal, hex or short form',
  forbiddenAddress:
    'this address is never allowed for a webhook (link-local, cloud metadata, unspecified, multicast or reserved)',
  privateAddress:
    'this address is on this machine or a private network: if the webhook really is on your own network, add it with --allow-private-network (in the app: "This webhook is on my own network")',
};

/**
 * Names that only ever mean this machine or the local network: `localhost`, names without a dot
 * (resolved through the search domains of the LAN), and the suffixes reserved or used for local
 * names. Judged as private by name, so such a webhook or recipient is refused when saved (not only,
 * much later, at the send that resolves it).
 */
const LOCAL_SUFFIXES = [
  '.localhost',
  '.local',
  '.lan',
  '.home',
  '.internal',
  '.intranet',
  '.corp',
  '.home.arpa',
  '.localdomain',
];
function isLocalName(bare: string): boolean {
  if (classifyIpAddress(bare) !== null || bare.startsWith('[')) return false;
  return bare === 'localhost' || !bare.includes('.') || LOCAL_SUFFIXES.some((suffix) => bare.endsWith(suffix));
}

/** Host names of cloud metadata services: never a webhook. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

interface ParsedUrl {
  protocol: string;
  username: string;
  password: string;
  hostname: string;
  href: string;
}
/** WHATWG URL, present in every runtime shared/ code runs in (the ECMAScript library does not declare it). */
const UrlCtor = (globalThis as unknown as { URL: new (input: string) => ParsedUrl }).URL;

/** The authority as written (before the parser normalized it): WHATWG drops tabs and newlines first. */
function writtenAuthority(raw: string): string {
  const cleaned = raw.replace(/[\t\n\r]/g, '');
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:[/\\]*([^/\\?#]*)/.exec(cleaned);
  return match?.[1] ?? '';
}

function writtenHost(authority: string): string {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) return hostPort.slice(0, hostPort.indexOf(']') + 1);
  const colon = hostPort.lastIndexOf(':');
  return colon === -1 ? hostPort : hostPort.slice(0, colon);
}

const fail = (problem: WebhookUrlProblem): WebhookUrlCheck => ({
  ok: false,
  problem,
  message: WEBHOOK_URL_MESSAGES[problem],
});

/** Checks a webhook URL as written. */
export function checkWebhookUrl(input: string, options: WebhookUrlOptions): WebhookUrlCheck {
  const raw = input.trim();
  let url: ParsedUrl;
  try {
    url = new UrlCtor(raw);
  } catch {
    return fail('invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('scheme');
  if (url.hostname === '') return fail('invalid');
  const authority = writtenAuthority(raw);
  if (url.username !== '' || url.password !== '' || authority.includes('@')) return fail('credentials');
  const hostname = url.hostname.toLowerCase();
  if (parseIpv4(hostname) && writtenHost(authority).toLowerCase() !== hostname) return fail('ipForm');
  const bare = hostname.replace(/\.$/, '');
  if (METADATA_HOSTS.has(bare)) return fail('forbiddenAddress');
  const addressClass = classifyIpAddress(hostname);
  if (addressClass === 'forbidden') return fail('forbiddenAddress');
  if ((addressClass === 'private' || isLocalName(bare)) && !options.allowPrivateNetwork) return fail('privateAddress');
  return { ok: true, url: raw, hostname };
}
