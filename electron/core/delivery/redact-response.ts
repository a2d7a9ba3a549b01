// An address: something@something, up to the delimiters servers put around it.
const ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;
const URL = /\bhttps?:\/\/[^\s<>"']+/gi;
// A URL without its scheme ("ntfy.example.org/family", as network errors print them): a host name
// with a letter TLD, an optional port, then a path.
const BARE_URL = /(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?\/[^\s<>"']*/gi;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A server's answer without the addresses and URLs it may echo ("550 5.1.1 <owner@example.org>
 * … unknown user"), so that what is stored in the clear (attempts, the outbox's last error) and
 * shown to monitors names no one. `knownHosts`: host names that must not appear even on their own
 * (the configured webhook's, which a network error names: "getaddrinfo ENOTFOUND ntfy.example.org").
 */
export function redactResponse(text: string, knownHosts: readonly string[] = []): string {
  let redacted = text.replace(URL, '[url]').replace(ADDRESS, '[address]').replace(BARE_URL, '[url]');
  for (const host of knownHosts) {
    if (host.length === 0) continue;
    const bare = host.replace(/^\[|\]$/g, '');
    redacted = redacted.replace(
      new RegExp(`(?<![\\w.-])${escapeRegExp(bare)}(?::\\d{1,5})?(?![\\w-])`, 'gi'),
      '[host]',
    );
  }
  return redacted;
}
