// An address: something@something, up to the delimiters servers put around it.
const ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;
const URL = /\bhttps?:\/\/[^\s<>"']+/gi;

/**
 * A server's answer without the addresses and URLs it may echo ("550 5.1.1 <owner@example.org>
 * … unknown user"), so that what is stored in the clear (attempts, the outbox's last error) and
 * shown to monitors names no one.
 */
export function redactResponse(text: string): string {
  return text.replace(URL, '[url]').replace(ADDRESS, '[address]');
}
